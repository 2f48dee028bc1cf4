import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from '@cdktf/hcl-tools';
import { parseHcl } from '../../lib/app/hcl2json';
import { EXAMPLE_CONFIG, EXAMPLE_STACKS, runSynth, SynthRun } from '../support/app';
import { unaccountedChecks } from '../support/security-doc';
import { canonical, interpolationTokens, unresolvedReferences } from '../support/terraform-json';

/** Runs `npm run synth` in-process with the example config into a fresh directory. */
async function synth(): Promise<SynthRun & { outdir: string }> {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'synth-')), 'cdktf.out');
  return { ...(await runSynth(['--config', EXAMPLE_CONFIG], { CDKTF_OUTDIR: outdir })), outdir };
}

async function withHcl<T>(fn: () => Promise<T>): Promise<T> {
  process.env.SYNTH_HCL_OUTPUT = 'true';
  try {
    return await fn();
  } finally {
    delete process.env.SYNTH_HCL_OUTPUT;
  }
}

let json: Awaited<ReturnType<typeof synth>>;
beforeAll(async () => {
  json = await synth();
});
const readJson = (stack: string) =>
  JSON.parse(fs.readFileSync(path.join(json.outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as Record<string, unknown>;

describe('synthesized output of every stack', () => {
  test('all enabled stacks are written', () => {
    expect(json.code).toBe(0);
    expect(fs.readdirSync(path.join(json.outdir, 'stacks')).sort()).toEqual(EXAMPLE_STACKS);
  });

  test('every checkov check that reads a resource type we emit is a rule or explained in docs/security.md', () => {
    const types = new Set(EXAMPLE_STACKS.flatMap((stack) => Object.keys((readJson(stack).resource ?? {}) as object)));
    expect(types.size).toBeGreaterThan(40);
    expect(unaccountedChecks(types)).toEqual([]);
  });

  test.each(EXAMPLE_STACKS)('%s: every ${...} resolves to something declared', (stack) => {
    const config = readJson(stack);
    expect(unresolvedReferences(config)).toEqual([]);
  });

  test('the reference check catches an unescaped shell variable and accepts escapes and functions', () => {
    const config = {
      resource: {
        google_compute_instance: {
          vm: { metadata_startup_script: 'echo ${HOME} $${USER} ${base64encode("x")} ${google_compute_instance.vm.name}' },
        },
      },
      output: { a: { value: '${data.google_client_config.missing.access_token}' } },
    };
    expect(unresolvedReferences(config)).toEqual([
      '.resource.google_compute_instance.vm.metadata_startup_script: ${HOME} is not declared (an unescaped shell variable needs $${...})',
      '.output.a.value: ${data.google_client_config.missing.access_token} is not declared (an unescaped shell variable needs $${...})',
    ]);
  });

  test('the round trip compares interpolations token by token, not by their spacing', () => {
    const fromJson = '${join("\\n", [ for key, val in { for k, v in a.b: v.s => v }: val.cert])}';
    expect(interpolationTokens(fromJson)).toBe(
      interpolationTokens('${join("\\n", [for key, val in { for k, v in a.b : v.s => v } : val.cert])}'),
    );
    expect(interpolationTokens(fromJson)).not.toBe(interpolationTokens(fromJson.replace('val.cert', 'val.key')));
    // Literal text and quoted strings keep their spaces; `$${` is not an interpolation.
    expect(interpolationTokens('a  b $${x  y} ${ f( "a  b" ) }${ c }')).toBe('a  b $${x  y} ${f("a  b")}${c}');
  });

  test('HCL output is formatted as terraform fmt wants it and parses back to the same configuration as the JSON', async () => {
    const hcl = await withHcl(() => synth());
    expect(hcl.code).toBe(0);
    const files = EXAMPLE_STACKS.map((stack) => path.join(hcl.outdir, 'stacks', stack, 'cdk.tf'));
    // The formatter is terraform's own (hclwrite): formatting again changes nothing, and `terraform fmt -check`, where
    // terraform is installed, lists no file.
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      expect({ file, formatted: await format(text) === text }).toEqual({ file, formatted: true });
    }
    if (spawnSync('terraform', ['version']).status === 0) {
      const check = spawnSync('terraform', ['fmt', '-check', '-recursive', hcl.outdir], { encoding: 'utf8' });
      expect({ status: check.status, unformatted: check.stdout }).toEqual({ status: 0, unformatted: '' });
    }
    for (const stack of EXAMPLE_STACKS) {
      const file = path.join(hcl.outdir, 'stacks', stack, 'cdk.tf');
      const parsed = await parseHcl(file, fs.readFileSync(file, 'utf8'));
      expect({ stack, config: canonical(parsed) }).toEqual({ stack, config: canonical(readJson(stack)) });
    }
    // Attribute and block syntax parse to the same JSON, so the round trip cannot see this: helm provider 3.x
    // rejects `kubernetes { ... }` and `set { ... }` blocks ("Unsupported block type").
    const app = fs.readFileSync(path.join(hcl.outdir, 'stacks', 'skypilot-app', 'cdk.tf'), 'utf8');
    expect(app).toMatch(/provider "helm" \{\s*kubernetes = \{/);
    expect(app).not.toMatch(/^\s*(kubernetes|set|set_sensitive) \{/m);
    // Written as an object, `manifest` would come out with lists as {0 = ...} maps and numeric strings unquoted;
    // yamldecode("...") of one YAML line keeps it exact.
    for (const [stack, count] of [['ilp-connector-app', 5], ['cloudrun-mesh-k8s', 6], ['cloudrun-mesh-routes', 13]] as const) {
      const hclText = fs.readFileSync(path.join(hcl.outdir, 'stacks', stack, 'cdk.tf'), 'utf8');
      const manifests = (hclText.match(/^\s*manifest += .*$/gm) ?? []).map((line) => line.trim().replace(/^manifest +=/, 'manifest ='));
      expect({ stack, manifests: manifests.length }).toEqual({ stack, manifests: count });
      // Quotes inside are only those of interpolated expressions (a Cloud Run URL host): ${...("...")...}.
      const literalText = (line: string) => line.replace(/\$\{element\(.*?\), 0\)\}/g, '');
      // `terraform fmt` writes a single interpolation bare: manifest = yamldecode("...").
      for (const line of manifests) expect(literalText(line)).toMatch(/^manifest = yamldecode\("\{ apiVersion: [^"]*"\)$/);
    }
  });

  test('provider versions are pinned as the prebuilt bindings pin them', () => {
    const terraform = readJson('gke-playground').terraform as { required_providers: unknown };
    expect(terraform.required_providers).toEqual({ google: { source: 'google', version: '6.50.0' } });
    const app = readJson('skypilot-app').terraform as { required_providers: unknown };
    expect(app.required_providers).toEqual({
      google: { source: 'google', version: '6.50.0' },
      helm: { source: 'helm', version: '3.1.1' },
      kubernetes: { source: 'kubernetes', version: '2.38.0' },
      random: { source: 'hashicorp/random', version: '3.7.2' },
    });
  });
});
