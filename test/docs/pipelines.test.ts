import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { runCli } from '../../lib/app/cli';
import { addBlueprints } from '../../stacks';
import { EXAMPLE_CONFIG, EXAMPLE_STACKS } from '../support/app';

const ROOT = path.join(__dirname, '..', '..');
const PAGE_FILE = path.join(ROOT, 'docs', 'pipelines.md');
const PAGE = fs.readFileSync(PAGE_FILE, 'utf8');

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}

interface Job {
  readonly if: string;
  readonly environment?: string;
  readonly concurrency: { group: string; 'cancel-in-progress': boolean };
  readonly env: Record<string, string>;
  readonly steps: Step[];
}

interface Workflow {
  readonly on: Record<string, { branches: string[] }>;
  readonly defaults: { run: { shell: string } };
  readonly permissions: Record<string, string>;
  readonly env: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

/** The one ```yaml block of the page: the workflow users copy to .github/workflows/deploy.yml. */
function workflowText(): string {
  const blocks = [...PAGE.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  expect(blocks).toHaveLength(1);
  return blocks[0];
}

const WORKFLOW = parse(workflowText()) as Workflow;
const { plan, deploy } = WORKFLOW.jobs;
const stepUsing = (job: Job, action: string) => job.steps.filter((s) => s.uses?.startsWith(`${action}@`));
const loopStep = (job: Job) => job.steps.find((s) => s.run?.includes('terraform -chdir='));

describe('the GitHub Actions workflow in docs/pipelines.md', () => {
  test('plans pull requests to main and deploys pushes to main, in two jobs', () => {
    expect(WORKFLOW.on).toEqual({ pull_request: { branches: ['main'] }, push: { branches: ['main'] } });
    expect(Object.keys(WORKFLOW.jobs)).toEqual(['plan', 'deploy']);
    expect(plan.if).toBe("github.event_name == 'pull_request'");
    expect(deploy.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
  });

  test('the deploy job runs in an environment, one at a time, and never cancels a running apply', () => {
    expect(deploy.environment).toBe('production');
    expect(plan.environment).toBeUndefined();
    expect(deploy.concurrency).toEqual({ group: 'deploy-production', 'cancel-in-progress': false });
  });

  test('Workload Identity Federation, never a key: id-token write, no secrets, no credentials_json', () => {
    expect(WORKFLOW.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(PAGE).not.toMatch(/credentials_json/);
    expect(workflowText()).not.toMatch(/secrets\./);
    for (const job of [plan, deploy]) {
      const auth = stepUsing(job, 'google-github-actions/auth');
      expect(auth).toEqual([
        {
          uses: 'google-github-actions/auth@v2',
          with: {
            workload_identity_provider: '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}',
            service_account: '${{ env.GCP_SERVICE_ACCOUNT }}',
          },
        },
      ]);
      // Credentials only after npm ci and synth have run.
      const authIndex = job.steps.indexOf(auth[0]);
      expect(job.steps.findIndex((s) => s.run === 'npm ci')).toBeLessThan(authIndex);
      expect(job.steps.findIndex((s) => s.name === 'Synthesize')).toBeLessThan(authIndex);
    }
    expect(plan.env.GCP_SERVICE_ACCOUNT).toBe('${{ vars.GCP_PLAN_SERVICE_ACCOUNT }}');
    expect(deploy.env.GCP_SERVICE_ACCOUNT).toBe('${{ vars.GCP_DEPLOY_SERVICE_ACCOUNT }}');
  });

  test('both jobs run the same steps, with the actions and versions the page promises', () => {
    expect(deploy.steps).toEqual(plan.steps);
    expect(plan.steps.filter((s) => s.uses).map((s) => s.uses)).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'google-github-actions/auth@v2',
      'hashicorp/setup-terraform@v3',
      'actions/cache@v4',
    ]);
    expect(stepUsing(plan, 'actions/setup-node')[0].with).toEqual({ 'node-version': 20, cache: 'npm' });
    expect(stepUsing(plan, 'hashicorp/setup-terraform')[0].with).toEqual({ terraform_version: '1.11.4', terraform_wrapper: false });
    expect(stepUsing(plan, 'actions/cache')[0].with).toEqual({
      path: '${{ env.TF_PLUGIN_CACHE_DIR }}',
      key: "terraform-providers-${{ runner.os }}-${{ hashFiles('locks/*.terraform.lock.hcl') }}",
    });
    expect(WORKFLOW.env.TF_PLUGIN_CACHE_DIR).toBeDefined();
    const synth = plan.steps.find((s) => s.name === 'Synthesize')!;
    expect(synth.env).toEqual({ BLUEPRINT_CONFIG: '${{ vars.BLUEPRINT_CONFIG }}' });
    expect(synth.run).toContain('npm run synth -- --config "$BLUEPRINT_CONFIG"');
  });

  test('the loop step is strict bash and inits with the committed lock file only', () => {
    expect(WORKFLOW.defaults).toEqual({ run: { shell: 'bash' } });
    const run = loopStep(plan)!.run!;
    expect(run.split('\n')[0]).toBe('set -euo pipefail');
    expect(run).toContain('terraform -chdir="$dir" init -input=false -lockfile=readonly');
    expect(run).toContain('terraform -chdir="$dir" apply -input=false tfplan');
  });

  test('scripts take values through env, never as ${{ }} expressions in the script text', () => {
    const scripts = plan.steps.filter((s) => s.run).map((s) => s.run!);
    expect(scripts).toHaveLength(3);
    for (const script of scripts) expect(script).not.toContain('${{');
  });

  const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
  (shellcheck || process.env.CI ? test : test.skip)('shellcheck finds nothing in the run: scripts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-scripts-'));
    try {
      const files = plan.steps
        .filter((s) => s.run)
        .map((s, i) => {
          const file = path.join(dir, `step-${i}.sh`);
          fs.writeFileSync(file, s.run!);
          return file;
        });
      const result = spawnSync('shellcheck', ['--shell=bash', '--severity=style', ...files], { encoding: 'utf8' });
      expect(result.stdout).toBe('');
      expect(result.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the workflow's loop step, run with a stub terraform", () => {
  const STACKS = EXAMPLE_STACKS.filter((s) => s !== 'state-bootstrap');
  let workspace: string;
  let log: string;
  let dependencies: Record<string, string[]>;

  /** Logs its arguments; init needs the lock file, plan -out writes the plan, apply needs it; plan exits STUB_PLAN_EXIT. */
  const STUB = `#!/usr/bin/env bash
echo "$*" >> "$TERRAFORM_LOG"
dir=.
for arg in "$@"; do
  case $arg in
    -chdir=*) dir=\${arg#-chdir=} ;;
    init) [[ -f $dir/.terraform.lock.hcl ]] || { echo "stub: no lock file in $dir" >&2; exit 1; } ;;
    tfplan) [[ -f $dir/tfplan ]] || { echo "stub: no plan in $dir" >&2; exit 1; } ;;
    -out=*) echo plan > "$dir/\${arg#-out=}" ;;
  esac
done
if [[ " $* " == *" plan "* ]]; then exit "\${STUB_PLAN_EXIT:-2}"; fi
`;

  beforeAll(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-'));
    const err: string[] = [];
    const code = await runCli(['--config', EXAMPLE_CONFIG], { CDKTF_OUTDIR: path.join(workspace, 'cdktf.out') }, addBlueprints, {
      out: () => {},
      err: (line) => err.push(line),
    });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    fs.mkdirSync(path.join(workspace, 'scripts'));
    fs.copyFileSync(path.join(ROOT, 'scripts', 'stack-order.js'), path.join(workspace, 'scripts', 'stack-order.js'));
    fs.mkdirSync(path.join(workspace, 'bin'));
    fs.writeFileSync(path.join(workspace, 'bin', 'terraform'), STUB, { mode: 0o755 });
    log = path.join(workspace, 'terraform.log');
    const manifest = JSON.parse(fs.readFileSync(path.join(workspace, 'cdktf.out', 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { dependencies: string[] }>;
    };
    dependencies = Object.fromEntries(Object.entries(manifest.stacks).map(([name, s]) => [name, s.dependencies]));
  }, 120_000);

  afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

  interface StepRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    /** The stub's log: one terraform command line each. */
    readonly commands: string[];
  }

  /** A fresh checkout: committed locks for `locked`, nothing left in the stack folders by an earlier run. */
  function runStep(env: { GITHUB_EVENT_NAME: string; GITHUB_REF: string; STUB_PLAN_EXIT?: string }, locked = STACKS): StepRun {
    fs.rmSync(path.join(workspace, 'locks'), { recursive: true, force: true });
    fs.mkdirSync(path.join(workspace, 'locks'));
    for (const stack of locked) fs.writeFileSync(path.join(workspace, 'locks', `${stack}.terraform.lock.hcl`), `# lock of ${stack}\n`);
    for (const stack of EXAMPLE_STACKS) {
      for (const file of ['.terraform.lock.hcl', 'tfplan']) fs.rmSync(path.join(workspace, 'cdktf.out', 'stacks', stack, file), { force: true });
    }
    fs.rmSync(log, { force: true });
    // As GitHub runs a `run:` step with `shell: bash`: the text in a file.
    const script = path.join(workspace, 'step.sh');
    fs.writeFileSync(script, loopStep(plan)!.run!);
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: workspace,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: [path.join(workspace, 'bin'), path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
        TERRAFORM_LOG: log,
        TF_PLUGIN_CACHE_DIR: path.join(workspace, 'plugin-cache'),
        ...env,
      },
    });
    const commands = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : [];
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, commands };
  }

  const stackOf = (command: string) => /^-chdir=cdktf\.out\/stacks\/(\S+) /.exec(command)?.[1];
  const commandsOf = (run: StepRun, stack: string) => run.commands.filter((c) => stackOf(c) === stack).map((c) => c.split(' ')[1]);
  const PUSH_TO_MAIN = { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' };
  const PULL_REQUEST = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' };

  test('push to main: every stack but state-bootstrap is inited with its lock, planned and applied, in dependency order', () => {
    const run = runStep(PUSH_TO_MAIN);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.commands.every((c) => stackOf(c) !== undefined)).toBe(true);
    expect(run.commands.join('\n')).not.toContain('state-bootstrap');
    for (const stack of STACKS) {
      const dir = `cdktf.out/stacks/${stack}`;
      expect(run.commands.filter((c) => stackOf(c) === stack)).toEqual([
        `-chdir=${dir} init -input=false -lockfile=readonly`,
        `-chdir=${dir} plan -input=false -detailed-exitcode -out=tfplan`,
        `-chdir=${dir} apply -input=false tfplan`,
      ]);
      expect(fs.readFileSync(path.join(workspace, dir, '.terraform.lock.hcl'), 'utf8')).toBe(`# lock of ${stack}\n`);
    }
    // Whatever a stack runs comes after the apply of each stack it depends on.
    expect(dependencies).toMatchObject({
      'skypilot-app': ['skypilot'],
      'ilp-connector-app': ['ilp-connector'],
      'cloudrun-mesh-k8s': ['cloudrun-mesh'],
    });
    let checked = 0;
    for (const stack of STACKS) {
      const first = run.commands.findIndex((c) => stackOf(c) === stack);
      for (const dependency of dependencies[stack]) {
        expect(first).toBeGreaterThan(run.commands.indexOf(`-chdir=cdktf.out/stacks/${dependency} apply -input=false tfplan`));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
    expect(fs.existsSync(path.join(workspace, 'plugin-cache'))).toBe(true);
  });

  test('push to main without changes: plans, applies nothing', () => {
    const run = runStep({ ...PUSH_TO_MAIN, STUB_PLAN_EXIT: '0' });
    expect(run.code).toBe(0);
    for (const stack of STACKS) expect(commandsOf(run, stack)).toEqual(['init', 'plan']);
  });

  test('pull request: every stack planned without a state lock, nothing applied', () => {
    const run = runStep({ ...PULL_REQUEST, STUB_PLAN_EXIT: '0' });
    expect(run.code).toBe(0);
    for (const stack of STACKS) expect(commandsOf(run, stack)).toEqual(['init', 'plan']);
    expect(run.commands.filter((c) => c.split(' ')[1] === 'plan').every((c) => c.includes(' -lock=false'))).toBe(true);
  });

  test('pull request with changes: a stack whose dependency has changes is not planned, and the step says so', () => {
    const run = runStep(PULL_REQUEST);
    expect(run.code).toBe(0);
    expect(run.commands.some((c) => c.includes(' apply '))).toBe(false);
    for (const stack of STACKS) {
      expect(commandsOf(run, stack)).toEqual(dependencies[stack].length > 0 ? [] : ['init', 'plan']);
    }
    expect(run.stdout).toContain(
      '::notice::skypilot-app not planned: it depends on skypilot, which has changes to apply first\n',
    );
  });

  test('a push to another branch applies nothing', () => {
    const run = runStep({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/feature' });
    expect(run.code).toBe(0);
    expect(run.commands.some((c) => c.includes(' apply '))).toBe(false);
  });

  test('a stack without a committed lock stops the step before Terraform runs, naming the command that creates it', () => {
    const run = runStep(PUSH_TO_MAIN, STACKS.filter((s) => s !== 'skypilot-app'));
    expect(run.code).not.toBe(0);
    expect(run.commands).toEqual([]);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('::error::'))).toEqual([
      '::error::no committed lock file for skypilot-app: where providers can be downloaded, run ' +
        'terraform -chdir=cdktf.out/stacks/skypilot-app providers lock -platform=linux_amd64 -platform=darwin_arm64, ' +
        'copy cdktf.out/stacks/skypilot-app/.terraform.lock.hcl to locks/skypilot-app.terraform.lock.hcl and commit it',
    ]);
  });

  test('a failing plan stops the step at that stack', () => {
    const run = runStep({ ...PUSH_TO_MAIN, STUB_PLAN_EXIT: '1' });
    expect(run.code).toBe(1);
    expect(run.commands.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual([
      `-chdir=cdktf.out/stacks/${STACKS[0]} init`,
      `-chdir=cdktf.out/stacks/${STACKS[0]} plan`,
    ]);
  });
});
