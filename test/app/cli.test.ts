import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_CONFIG, onlyBlueprints, runSynth } from '../support/app';

let workdir: string;
let outdir: string;

beforeEach(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  outdir = path.join(workdir, 'cdktf.out');
});

afterEach(() => fs.rmSync(workdir, { recursive: true, force: true }));

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runSynth(args, { CDKTF_OUTDIR: outdir, ...env });

function writeConfig(name: string, text: string): string {
  const file = path.join(workdir, name);
  fs.writeFileSync(file, text);
  return file;
}

const stateOnly = () => writeConfig('state-only.yaml', onlyBlueprints([]));
const stateAndPlayground = () => writeConfig('state-and-playground.yaml', onlyBlueprints(['gkePlayground']));

/** A previous synth's output, to prove a failed synth leaves it alone. */
function previousOutput(): string {
  const marker = path.join(outdir, 'stacks', 'old-stack', 'cdk.tf.json');
  fs.mkdirSync(path.dirname(marker), { recursive: true });
  fs.writeFileSync(marker, '{}');
  return marker;
}

/** What `terraform init`, `plan -out` and a local backend leave in a stack folder. */
function terraformFiles(stack: string): string[] {
  const dir = path.join(outdir, 'stacks', stack);
  const files = ['.terraform/providers/registry.terraform.io/hashicorp/google/6.50.0/plugin', '.terraform.lock.hcl', 'plan.tfplan'];
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), `kept: ${file}`);
  }
  return files.map((file) => path.join(dir, file));
}

const listStack = (stack: string) => fs.readdirSync(path.join(outdir, 'stacks', stack)).sort();

/** Staging folders a synth left behind, in the work folder or the output folder. */
function leftovers(): string[] {
  const outdirEntries = fs.existsSync(outdir) ? fs.readdirSync(outdir) : [];
  return [...fs.readdirSync(workdir), ...outdirEntries].filter((name) => name.includes('staging'));
}

describe('npm run synth', () => {
  test('prints the config it used, then one line per stack: name, resource count, path', async () => {
    const { code, out } = await run(['--config', EXAMPLE_CONFIG]);
    expect(code).toBe(0);
    const relative = path.relative(process.cwd(), outdir);
    expect(out.slice(0, 12)).toEqual([
      `config ${EXAMPLE_CONFIG}: project example-project-123, region us-central1, environment example`,
      `state-bootstrap           3 resources  ${relative}/stacks/state-bootstrap/cdk.tf.json`,
      `gke-playground           13 resources  ${relative}/stacks/gke-playground/cdk.tf.json`,
      `iris-mirror              27 resources  ${relative}/stacks/iris-mirror/cdk.tf.json`,
      `skypilot                 29 resources  ${relative}/stacks/skypilot/cdk.tf.json`,
      `skypilot-app              9 resources  ${relative}/stacks/skypilot-app/cdk.tf.json`,
      `ilp-connector            34 resources  ${relative}/stacks/ilp-connector/cdk.tf.json`,
      `ilp-connector-app        18 resources  ${relative}/stacks/ilp-connector-app/cdk.tf.json`,
      `cloudrun-mesh            11 resources  ${relative}/stacks/cloudrun-mesh/cdk.tf.json`,
      `cloudrun-mesh-k8s        24 resources  ${relative}/stacks/cloudrun-mesh-k8s/cdk.tf.json`,
      `cloudrun-mesh-services    4 resources  ${relative}/stacks/cloudrun-mesh-services/cdk.tf.json`,
      `cloudrun-mesh-routes     18 resources  ${relative}/stacks/cloudrun-mesh-routes/cdk.tf.json`,
    ]);
    expect(out[12]).toMatch(/^gke-playground\/google_container_cluster\.cluster: CKV_GCP_1 waived: low-cost playground/);
  });

  test('a stack in a project of its own says so', async () => {
    const ownProject = writeConfig(
      'own-project.yaml',
      onlyBlueprints(['gkePlayground']).replace('  # projectId: kube-playground-1', '  projectId: kube-playground-1'),
    );
    const { out } = await run(['--config', ownProject]);
    expect(out[2]).toMatch(/^gke-playground .*cdk\.tf\.json {2}\(project kube-playground-1\)$/);
  });

  test('the config comes from --config, else BLUEPRINT_CONFIG, else the example, and the first line says which', async () => {
    const onlyState = stateOnly();
    expect((await run([`--config=${onlyState}`])).out.slice(0, 2)).toEqual([
      `config ${onlyState}: project example-project-123, region us-central1, environment example`,
      expect.stringMatching(/^state-bootstrap /),
    ]);
    expect((await run([], { BLUEPRINT_CONFIG: onlyState })).out).toEqual([
      `config ${onlyState}: project example-project-123, region us-central1, environment example`,
      expect.stringMatching(/^state-bootstrap /),
    ]);
    const cwd = process.cwd();
    try {
      process.chdir(path.join(__dirname, '..', '..'));
      expect((await run([])).out.slice(0, 3)).toEqual([
        'config config/example.yaml (the default: no --config or BLUEPRINT_CONFIG given): project example-project-123, ' +
          'region us-central1, environment example',
        expect.stringMatching(/^state-bootstrap /),
        expect.stringMatching(/^gke-playground /),
      ]);
    } finally {
      process.chdir(cwd);
    }
  });

  test('a bad config exits non-zero, lists the problems and writes nothing', async () => {
    const stale = previousOutput();
    const bad = writeConfig('bad.yaml', 'projectId: X\nregion: us-central1\nenvironment: dev\nstateBucket: b-tfstate\n');
    const { code, out, err } = await run(['--config', bad]);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/bad\.yaml: 1 problem; nothing was synthesized\n {2}projectId: must be a project id/);
    expect(fs.readdirSync(path.join(outdir, 'stacks'))).toEqual(['old-stack']);
    expect(fs.existsSync(stale)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  test('a security baseline violation exits non-zero, names the rule and writes nothing', async () => {
    previousOutput();
    const noWaiver = writeConfig(
      'no-waiver.yaml',
      onlyBlueprints(['gkePlayground']).replace(/policy:\n {2}waivers:\n[\s\S]*?\n\n/, 'policy:\n  waivers: []\n\n'),
    );
    const { code, out, err } = await run(['--config', noWaiver]);
    expect(code).toBe(1);
    expect(out).toEqual([expect.stringMatching(/^config .*no-waiver\.yaml: project example-project-123/)]);
    const waiveIt = (rule: string) =>
      `or waive it in config under policy.waivers: { rule: ${rule}, stack: gke-playground, resource: google_container_cluster.cluster, reason: "<why>" }`;
    expect(err.join('\n')).toBe(
      'security baseline: 3 violation(s); nothing was synthesized\n' +
        '  gke-playground/google_container_cluster.cluster: CKV_GCP_1 Cloud Logging is turned off for the cluster; ' +
        `leave logging_service unset or set it to "logging.googleapis.com/kubernetes", ${waiveIt('CKV_GCP_1')}\n` +
        '  gke-playground/google_container_cluster.cluster: CKV_GCP_20 any address may reach the control plane endpoint ' +
        '(no master_authorized_networks_config); set master_authorized_networks_config { cidr_blocks { cidr_block = ' +
        `"<your range>" } }, ${waiveIt('CKV_GCP_20')}\n` +
        '  gke-playground/google_container_cluster.cluster: CKV_GCP_65 RBAC cannot name Google Groups (no ' +
        'authenticator_groups_config.security_group); set authenticator_groups_config { security_group = ' +
        `"gke-security-groups@<your domain>" }, ${waiveIt('CKV_GCP_65')}`,
    );
    expect(fs.readdirSync(path.join(outdir, 'stacks'))).toEqual(['old-stack']);
    expect(leftovers()).toEqual([]);
  });

  test('a waiver that matches nothing is reported', async () => {
    const extra = writeConfig(
      'extra-waiver.yaml',
      onlyBlueprints(['gkePlayground']).replace(
        'policy:\n  waivers:\n',
        'policy:\n  waivers:\n    - { rule: CKV_GCP_78, stack: state-bootstrap, reason: "stale waiver kept by mistake" }\n',
      ),
    );
    const { code, out } = await run(['--config', extra]);
    expect(code).toBe(0);
    expect(out).toContain('unused waiver: CKV_GCP_78 for state-bootstrap matched nothing');
  });

  test('a too-small machine type synthesizes with a warning', async () => {
    const micro = writeConfig('micro.yaml', onlyBlueprints(['gkePlayground']).replace('machineType: e2-medium', 'machineType: f1-micro'));
    const { code, out } = await run(['--config', micro]);
    expect(code).toBe(0);
    expect(out.some((l) => l.startsWith('warning: gkePlayground.machineType: f1-micro'))).toBe(true);
  });

  test('bad arguments print the usage', async () => {
    const { code, err } = await run(['--cofnig', 'x.yaml']);
    expect(code).toBe(2);
    expect(err[0]).toMatch(/^unknown argument --cofnig\nusage: npm run synth -- \[--config <file>\]/);
    expect((await run(['--help'])).out[0]).toMatch(/^usage:/);
  });
});

describe('the output directory is shared with Terraform', () => {
  test('a re-synth replaces the generated files and keeps what Terraform put in the stack folder', async () => {
    const config = stateAndPlayground();
    expect((await run(['--config', config])).code).toBe(0);
    const kept = terraformFiles('gke-playground');
    const configFile = path.join(outdir, 'stacks', 'gke-playground', 'cdk.tf.json');
    fs.writeFileSync(configFile, '{"outdated": true}');

    expect((await run(['--config', config])).code).toBe(0);
    for (const file of kept) expect(fs.readFileSync(file, 'utf8')).toMatch(/^kept: /);
    expect(JSON.parse(fs.readFileSync(configFile, 'utf8'))).toHaveProperty('resource.google_container_cluster');
    expect(leftovers()).toEqual([]);
  });

  test('switching between JSON and HCL leaves only one format in each stack folder', async () => {
    const config = stateOnly();
    await run(['--config', config]);
    terraformFiles('state-bootstrap');
    // cdktf reads it from the process environment.
    process.env.SYNTH_HCL_OUTPUT = 'true';
    try {
      expect((await run(['--config', config])).code).toBe(0);
    } finally {
      delete process.env.SYNTH_HCL_OUTPUT;
    }
    expect(listStack('state-bootstrap')).toEqual(['.terraform', '.terraform.lock.hcl', 'cdk.tf', 'metadata.json', 'plan.tfplan']);
    expect((await run(['--config', config])).code).toBe(0);
    expect(listStack('state-bootstrap')).toEqual(['.terraform', '.terraform.lock.hcl', 'cdk.tf.json', 'plan.tfplan']);
  });

  test('folders of stacks no longer enabled are removed, and synth says so', async () => {
    await run(['--config', stateAndPlayground()]);
    terraformFiles('gke-playground');
    const { code, out } = await run(['--config', stateOnly()]);
    expect(code).toBe(0);
    expect(fs.readdirSync(path.join(outdir, 'stacks'))).toEqual(['state-bootstrap']);
    expect(out).toContain(`removed ${path.relative(process.cwd(), path.join(outdir, 'stacks', 'gke-playground'))}: its stack is not enabled`);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: object };
    expect(Object.keys(manifest.stacks)).toEqual(['state-bootstrap']);
  });

  test('run by the cdktf CLI, synth leaves those folders for the CLI to delete', async () => {
    await run(['--config', stateAndPlayground()]);
    const { code, out } = await run(['--config', stateOnly()], { CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true' });
    expect(code).toBe(0);
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['gke-playground', 'state-bootstrap']);
    expect(out.some((line) => line.startsWith('removed '))).toBe(false);
  });

  test('run by the cdktf CLI too, a folder that holds local state stops the synth, so the CLI deletes nothing', async () => {
    await run(['--config', stateAndPlayground()]);
    fs.writeFileSync(path.join(outdir, 'stacks', 'gke-playground', 'terraform.tfstate'), '{"version": 4}');
    const { code, err } = await run(['--config', stateOnly()], { CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true' });
    expect(code).toBe(1);
    expect(err[0]).toMatch(/terraform\.tfstate: Terraform state of a stack that is no longer enabled/);
  });

  test("a stack folder initialised for another environment's bucket or prefix loses only that backend cache", async () => {
    const config = stateAndPlayground();
    await run(['--config', config]);
    const kept = terraformFiles('gke-playground');
    const cache = (bucket: string, prefix: string) =>
      JSON.stringify({ version: 3, backend: { type: 'gcs', config: { bucket, prefix }, hash: 1 } });
    const cacheFile = path.join(outdir, 'stacks', 'gke-playground', '.terraform', 'terraform.tfstate');

    fs.writeFileSync(cacheFile, cache('example-project-123-tfstate', 'example/gke-playground'));
    expect((await run(['--config', config])).out.some((line) => line.includes('dropped'))).toBe(false);
    expect(fs.existsSync(cacheFile)).toBe(true);

    fs.writeFileSync(cacheFile, cache('prod-tfstate', 'prod/gke-playground'));
    const { code, out } = await run(['--config', config]);
    expect(code).toBe(0);
    expect(out).toContain(
      `gke-playground: dropped ${path.relative(process.cwd(), cacheFile)}, which named gs://prod-tfstate/prod/gke-playground; ` +
        'this config keeps state in gs://example-project-123-tfstate/example/gke-playground, and terraform init now ' +
        'starts there without copying state',
    );
    expect(fs.existsSync(cacheFile)).toBe(false);
    for (const file of kept) expect(fs.existsSync(file)).toBe(true);
  });

  test('a move from the local backend to gcs (state-bootstrap migrating its state) is left to terraform init', async () => {
    const config = stateOnly();
    await run(['--config', config]);
    const cacheFile = path.join(outdir, 'stacks', 'state-bootstrap', '.terraform', 'terraform.tfstate');
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    fs.writeFileSync(cacheFile, JSON.stringify({ version: 3, backend: { type: 'local', config: { path: 'x' } } }));
    const gcs = writeConfig('state-gcs.yaml', fs.readFileSync(config, 'utf8').replace(/^ {2}backend: local\b/m, '  backend: gcs'));
    expect((await run(['--config', gcs])).code).toBe(0);
    expect(fs.existsSync(cacheFile)).toBe(true);
  });

  test('a failed first synth leaves no output folder behind', async () => {
    const bad = writeConfig('no-waiver.yaml', onlyBlueprints(['gkePlayground']).replace(/policy:\n {2}waivers:\n[\s\S]*?\n\n/, 'policy:\n  waivers: []\n\n'));
    expect((await run(['--config', bad])).code).toBe(1);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('an output folder on another filesystem (a symlink) is written in place, staged on its own filesystem', async () => {
    const elsewhere = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'cdktf-out-'));
    try {
      fs.symlinkSync(elsewhere, outdir);
      await run(['--config', stateAndPlayground()]);
      const { code } = await run(['--config', stateOnly()]);
      expect(code).toBe(0);
      expect(fs.readdirSync(path.join(elsewhere, 'stacks'))).toEqual(['state-bootstrap']);
      expect(leftovers()).toEqual([]);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('a folder that would be removed but holds local Terraform state stops the synth before anything is written', async () => {
    await run(['--config', stateAndPlayground()]);
    const state = path.join(outdir, 'stacks', 'gke-playground', 'terraform.tfstate');
    fs.writeFileSync(state, '{"version": 4}');
    const manifestBefore = fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8');
    const { code, err } = await run(['--config', stateOnly()]);
    expect(code).toBe(1);
    expect(err).toEqual([
      `synth failed; nothing was synthesized: ${path.relative(process.cwd(), state)}: Terraform state of a stack that is ` +
        'no longer enabled; destroy that stack or move its state away first (synth removes the folders of stacks it no ' +
        'longer writes)',
    ]);
    expect(fs.existsSync(state)).toBe(true);
    expect(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).toBe(manifestBefore);
    expect(leftovers()).toEqual([]);
  });
});
