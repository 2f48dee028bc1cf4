import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { runCli } from '../../lib/app/cli';
import { addBlueprints } from '../../stacks';
import { EXAMPLE_CONFIG, EXAMPLE_STACKS } from '../support/app';
import { canonical, unresolvedReferences } from '../support/terraform-json';

/** Runs `npm run synth` in-process with the example config into a fresh directory. */
function synth(env: NodeJS.ProcessEnv = {}): { code: number; out: string[]; err: string[]; outdir: string } {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'synth-')), 'cdktf.out');
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(['--config', EXAMPLE_CONFIG], { ...env, CDKTF_OUTDIR: outdir }, addBlueprints, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err, outdir };
}

function withHcl<T>(fn: () => T): T {
  process.env.SYNTH_HCL_OUTPUT = 'true';
  try {
    return fn();
  } finally {
    delete process.env.SYNTH_HCL_OUTPUT;
  }
}

const json = synth();
const stackNames = fs.readdirSync(path.join(json.outdir, 'stacks')).sort();
const readJson = (stack: string) =>
  JSON.parse(fs.readFileSync(path.join(json.outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as Record<string, unknown>;

describe('synthesized output of every stack', () => {
  test('all enabled stacks are written', () => {
    expect(json.code).toBe(0);
    expect(stackNames).toEqual(EXAMPLE_STACKS);
  });

  test.each(stackNames)('%s: every ${...} resolves to something declared', (stack) => {
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

  test('HCL output parses back to the same configuration as the JSON output', async () => {
    const hcl = withHcl(() => synth());
    expect(hcl.code).toBe(0);
    for (const stack of stackNames) {
      const file = path.join(hcl.outdir, 'stacks', stack, 'cdk.tf');
      const parsed = await parse(file, fs.readFileSync(file, 'utf8'));
      expect({ stack, config: canonical(parsed) }).toEqual({ stack, config: canonical(readJson(stack)) });
    }
    // Attribute and block syntax parse to the same JSON, so the round trip cannot see this: helm provider 3.x
    // rejects `kubernetes { ... }` and `set { ... }` blocks ("Unsupported block type").
    const app = fs.readFileSync(path.join(hcl.outdir, 'stacks', 'skypilot-app', 'cdk.tf'), 'utf8');
    expect(app).toMatch(/provider "helm" \{\s*kubernetes = \{/);
    expect(app).not.toMatch(/^\s*(kubernetes|set|set_sensitive) \{/m);
    // Written as an object, `manifest` would come out with lists as {0 = ...} maps and numeric strings unquoted;
    // yamldecode("...") of one YAML line keeps it exact.
    for (const [stack, count] of [['ilp-connector-app', 4], ['cloudrun-mesh-k8s', 19]] as const) {
      const hclText = fs.readFileSync(path.join(hcl.outdir, 'stacks', stack, 'cdk.tf'), 'utf8');
      const manifests = hclText.match(/^manifest = .*$/gm) ?? [];
      expect({ stack, manifests: manifests.length }).toEqual({ stack, manifests: count });
      // Quotes inside are only those of interpolated expressions (a Cloud Run URL host): ${...("...")...}.
      const literalText = (line: string) => line.replace(/\$\{element\(.*?\), 0\)\}/g, '');
      for (const line of manifests) expect(literalText(line)).toMatch(/^manifest = "\$\{yamldecode\("\{ apiVersion: [^"]*"\)\}"$/);
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
