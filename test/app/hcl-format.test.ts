import { spawnSync } from 'node:child_process';
import { formatHcl, isWrappedTraversal } from '../../lib/app/hcl-format';
import { expressionAst } from '../../lib/app/hcl2json';

/** The shapes cdktf writes, unformatted: blocks, objects and lists, heredocs, templates that are more than one interpolation. */
const CDKTF_STYLE = `provider "helm" {
kubernetes = {
host = "\${a.b}"
list = ["\${c.d}", "x"]
}
set = [
{
name = "x"
value = "\${e.f}"
}
]
alias = "\${i.j}"
}
resource "kubernetes_manifest" "m" {
manifest = "\${yamldecode("{ kind: Service, metadata: { name: \\"\${var.name}\\" } }")}"
depends_on = ["\${k.l}"]
lifecycle {
ignore_changes = ["\${m.n}"]
create_before_destroy = "\${o.p}"
}
}
resource "google_compute_instance" "vm" {
name = "prefix-\${q.r}"
zone = "\${s.t}\${u.v}"
metadata_startup_script = <<EOF
  x = "\${w.x}"
{ [
EOF
description = "\${ y.z }"
}
`;

/** What `terraform fmt` (1.11) makes of it. */
const TERRAFORM_FMT = `provider "helm" {
  kubernetes = {
    host = "\${a.b}"
    list = ["\${c.d}", "x"]
  }
  set = [
    {
      name  = "x"
      value = "\${e.f}"
    }
  ]
  alias = i.j
}
resource "kubernetes_manifest" "m" {
  manifest   = yamldecode("{ kind: Service, metadata: { name: \\"\${var.name}\\" } }")
  depends_on = ["\${k.l}"]
  lifecycle {
    ignore_changes        = ["\${m.n}"]
    create_before_destroy = o.p
  }
}
resource "google_compute_instance" "vm" {
  name                    = "prefix-\${q.r}"
  zone                    = "\${s.t}\${u.v}"
  metadata_startup_script = <<EOF
  x = "\${w.x}"
{ [
EOF
  description             = y.z
}
`;

describe('formatHcl', () => {
  test('lays out as hclwrite does and unwraps single interpolations of block attributes only', async () => {
    expect(await formatHcl(CDKTF_STYLE)).toBe(TERRAFORM_FMT);
  });

  test('formatting twice changes nothing', async () => {
    expect(await formatHcl(TERRAFORM_FMT)).toBe(TERRAFORM_FMT);
  });

  test('a plain quoted reference is recognised without the HCL parser, and the parser agrees', async () => {
    const references = [
      '"${a.b}"',
      '"${google_project.project-number.number}"',
      '"${a.b[0].c}"',
      '"${a.b[*].c}"',
      '"${a[0][1]}"',
    ];
    // Not plain references, though some are single interpolations: the parser decides those.
    const others = [
      '"x${a.b}"',
      '"${a.b}x"',
      '"${a.b}${c.d}"',
      '"$${a.b}"',
      '"${ a.b }"',
      '"${f(a.b)}"',
      '"${a["k"]}"',
      '"%{ if a }x%{ endif }"',
      // Legacy indexes and attribute splats: some of their chains are not valid HCL, so the parser decides.
      '"${a.0}"',
      '"${a.*.b}"',
      '"${a.0.1}"',
      '"${a.*.*}"',
    ];
    for (const value of references) {
      expect({ value, plain: isWrappedTraversal(value), ast: (await expressionAst('cdk.tf', value))?.type }).toEqual({
        value,
        plain: true,
        ast: 'templateWrap',
      });
    }
    expect(others.filter(isWrappedTraversal)).toEqual([]);
  });

  test('a reference HCL refuses still fails formatting, with the parser\'s reason', async () => {
    await expect(formatHcl('resource "t" "n" {\nx = "${a.0.1}"\n}\n')).rejects.toThrow(/Invalid legacy index syntax/);
  });

  const terraform = spawnSync('terraform', ['version']).status === 0;
  (terraform ? test : test.skip)('agrees with the installed terraform fmt', () => {
    const fmt = spawnSync('terraform', ['fmt', '-'], { input: CDKTF_STYLE, encoding: 'utf8' });
    expect(fmt.status).toBe(0);
    expect(fmt.stdout).toBe(TERRAFORM_FMT);
  });
});
