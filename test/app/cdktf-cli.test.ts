import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onlyBlueprints, runSynth } from '../support/app';

/**
 * The real cdktf CLI (offline: CHECKPOINT_DISABLE) runs the app through cdktf.json (`npm run --silent synth`) into a
 * directory that `npm run synth` wrote with another config. The CLI lists the stack folders before it runs the app and
 * deletes those the new manifest lacks; it used to fail with ENOENT when the app had already removed them.
 */
const ROOT = path.join(__dirname, '..', '..');
const CLI_TIMEOUT_MS = 90_000;

let workdir: string;
let outdir: string;

beforeAll(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-cli-'));
  outdir = path.join(workdir, 'cdktf.out');
});

afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

function config(name: string, sections: Parameters<typeof onlyBlueprints>[0]): string {
  const file = path.join(workdir, `${name}.yaml`);
  fs.writeFileSync(file, onlyBlueprints(sections));
  return file;
}

async function npmRunSynth(configFile: string): Promise<number> {
  return (await runSynth(['--config', configFile], { CDKTF_OUTDIR: outdir })).code;
}

function cdktfSynth(configFile: string, ...flags: string[]) {
  return spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', outdir, ...flags], {
    cwd: ROOT,
    encoding: 'utf8',
    // The CLI runs `terraform version`: an empty CLI config keeps its warnings about a missing ~/.terraformrc out.
    env: { ...process.env, BLUEPRINT_CONFIG: configFile, CHECKPOINT_DISABLE: '1', CI: '1', TF_CLI_CONFIG_FILE: '/dev/null' },
  });
}

const stackFolders = () => fs.readdirSync(path.join(outdir, 'stacks')).sort();

test(
  'npm run synth, then cdktf synth with other stacks, then npm run synth with fewer: each works the first time',
  async () => {
    expect(await npmRunSynth(config('playground', ['gkePlayground']))).toBe(0);
    const lockFile = path.join(outdir, 'stacks', 'state-bootstrap', '.terraform.lock.hcl');
    fs.writeFileSync(lockFile, '# written by terraform init\n');

    const cli = cdktfSynth(config('iris', ['irisMirror']), '--hcl');
    expect({ status: cli.status, stderr: cli.stderr }).toEqual({ status: 0, stderr: '' });
    expect(stackFolders()).toEqual(['iris-mirror', 'state-bootstrap']);
    expect(fs.readdirSync(path.join(outdir, 'stacks', 'iris-mirror')).sort()).toEqual(['cdk.tf', 'metadata.json']);
    expect(fs.readFileSync(lockFile, 'utf8')).toBe('# written by terraform init\n');

    expect(await npmRunSynth(config('state', []))).toBe(0);
    expect(stackFolders()).toEqual(['state-bootstrap']);
    expect(fs.readdirSync(path.join(outdir, 'stacks', 'state-bootstrap')).sort()).toEqual(['.terraform.lock.hcl', 'cdk.tf.json']);
  },
  CLI_TIMEOUT_MS,
);
