import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../lib/app/cli';
import { addBlueprints } from '../../stacks';
import { EXAMPLE_CONFIG, EXAMPLE_STACKS } from '../support/app';

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

let workdir: string;
let outdir: string;

beforeEach(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  outdir = path.join(workdir, 'cdktf.out');
});

afterEach(() => fs.rmSync(workdir, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(args, { CDKTF_OUTDIR: outdir, ...env }, addBlueprints, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err };
}

function writeConfig(name: string, text: string): string {
  const file = path.join(workdir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A previous synth's output, to prove a failed synth leaves it alone. */
function previousOutput(): string {
  const marker = path.join(outdir, 'stacks', 'old-stack', 'cdk.tf.json');
  fs.mkdirSync(path.dirname(marker), { recursive: true });
  fs.writeFileSync(marker, '{}');
  return marker;
}

function leftovers(): string[] {
  return fs.readdirSync(workdir).filter((name) => name.includes('staging'));
}

describe('npm run synth', () => {
  test('prints one line per stack: name, resource count, path', () => {
    const { code, out } = run(['--config', EXAMPLE_CONFIG]);
    expect(code).toBe(0);
    const relative = path.relative(process.cwd(), outdir);
    expect(out.slice(0, 9)).toEqual([
      `state-bootstrap      1 resources  ${relative}/stacks/state-bootstrap/cdk.tf.json`,
      `gke-playground      11 resources  ${relative}/stacks/gke-playground/cdk.tf.json`,
      `iris-mirror         23 resources  ${relative}/stacks/iris-mirror/cdk.tf.json`,
      `skypilot            27 resources  ${relative}/stacks/skypilot/cdk.tf.json`,
      `skypilot-app         9 resources  ${relative}/stacks/skypilot-app/cdk.tf.json`,
      `ilp-connector       31 resources  ${relative}/stacks/ilp-connector/cdk.tf.json`,
      `ilp-connector-app   15 resources  ${relative}/stacks/ilp-connector-app/cdk.tf.json`,
      `cloudrun-mesh       14 resources  ${relative}/stacks/cloudrun-mesh/cdk.tf.json`,
      `cloudrun-mesh-k8s   42 resources  ${relative}/stacks/cloudrun-mesh-k8s/cdk.tf.json`,
    ]);
    expect(out[9]).toMatch(/^gke-playground\/google_container_cluster\.cluster: CKV_GCP_1 waived: low-cost playground/);
  });

  test('replaces the output directory, dropping stacks no longer enabled', () => {
    const stale = previousOutput();
    expect(run(['--config', EXAMPLE_CONFIG]).code).toBe(0);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(EXAMPLE_STACKS);
    expect(leftovers()).toEqual([]);
  });

  test('the config comes from --config, else BLUEPRINT_CONFIG, else the example', () => {
    const onlyState = writeConfig(
      'state-only.yaml',
      fs
        .readFileSync(EXAMPLE_CONFIG, 'utf8')
        .replace('gkePlayground:\n  enabled: true', 'gkePlayground:\n  enabled: false')
        .replace('irisMirror:\n  enabled: true', 'irisMirror:\n  enabled: false')
        .replace('skypilot:\n  enabled: true', 'skypilot:\n  enabled: false')
        .replace('ilpConnector:\n  enabled: true', 'ilpConnector:\n  enabled: false')
        .replace('cloudrunMesh:\n  enabled: true', 'cloudrunMesh:\n  enabled: false'),
    );
    expect(run([`--config=${onlyState}`]).out[0]).toMatch(/^state-bootstrap/);
    expect(run([], { BLUEPRINT_CONFIG: onlyState }).out).toEqual([expect.stringMatching(/^state-bootstrap /)]);
    const cwd = process.cwd();
    try {
      process.chdir(path.join(__dirname, '..', '..'));
      expect(run([]).out.slice(0, 2)).toEqual([
        expect.stringMatching(/^state-bootstrap /),
        expect.stringMatching(/^gke-playground /),
      ]);
    } finally {
      process.chdir(cwd);
    }
  });

  test('a bad config exits non-zero, lists the problems and writes nothing', () => {
    const stale = previousOutput();
    const bad = writeConfig('bad.yaml', 'projectId: X\nregion: us-central1\nenvironment: dev\nstateBucket: b-tfstate\n');
    const { code, out, err } = run(['--config', bad]);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/bad\.yaml: 1 problem; nothing was synthesized\n {2}projectId: must be a project id/);
    expect(fs.readdirSync(path.join(outdir, 'stacks'))).toEqual(['old-stack']);
    expect(fs.existsSync(stale)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  test('a security baseline violation exits non-zero, names the rule and writes nothing', () => {
    previousOutput();
    const noWaiver = writeConfig(
      'no-waiver.yaml',
      fs.readFileSync(EXAMPLE_CONFIG, 'utf8').replace(/policy:\n {2}waivers:\n[\s\S]*?\n\n/, 'policy:\n  waivers: []\n\n'),
    );
    const { code, err } = run(['--config', noWaiver]);
    expect(code).toBe(1);
    expect(err.join('\n')).toBe(
      'security baseline: 1 violation(s); nothing was synthesized\n' +
        '  gke-playground/google_container_cluster.cluster: CKV_GCP_1 Cloud Logging is turned off for the cluster; ' +
        'leave logging_service unset or set it to "logging.googleapis.com/kubernetes", or waive it in config under ' +
        'policy.waivers: { rule: CKV_GCP_1, stack: gke-playground, resource: google_container_cluster.cluster, reason: "<why>" }',
    );
    expect(fs.readdirSync(path.join(outdir, 'stacks'))).toEqual(['old-stack']);
    expect(leftovers()).toEqual([]);
  });

  test('a waiver that matches nothing is reported', () => {
    const extra = writeConfig(
      'extra-waiver.yaml',
      fs
        .readFileSync(EXAMPLE_CONFIG, 'utf8')
        .replace('policy:\n  waivers:\n', 'policy:\n  waivers:\n    - { rule: CKV_GCP_78, stack: state-bootstrap, reason: "stale waiver kept by mistake" }\n'),
    );
    const { code, out } = run(['--config', extra]);
    expect(code).toBe(0);
    expect(out).toContain('unused waiver: CKV_GCP_78 for state-bootstrap matched nothing');
  });

  test('a too-small machine type synthesizes with a warning', () => {
    const micro = writeConfig(
      'micro.yaml',
      fs.readFileSync(EXAMPLE_CONFIG, 'utf8').replace('machineType: e2-medium', 'machineType: f1-micro'),
    );
    const { code, out } = run(['--config', micro]);
    expect(code).toBe(0);
    expect(out.some((l) => l.startsWith('warning: gkePlayground.machineType: f1-micro'))).toBe(true);
  });

  test('bad arguments print the usage', () => {
    const { code, err } = run(['--cofnig', 'x.yaml']);
    expect(code).toBe(2);
    expect(err[0]).toMatch(/^unknown argument --cofnig\nusage: npm run synth -- \[--config <file>\]/);
    expect(run(['--help']).out[0]).toMatch(/^usage:/);
  });
});
