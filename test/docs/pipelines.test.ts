import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { EXAMPLE_CONFIG, EXAMPLE_STACKS, runSynth } from '../support/app';

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
  readonly 'runs-on': string;
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
    expect(plan.if).toBe(
      "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository",
    );
    expect(deploy.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
  });

  test('the deploy job runs in an environment, one at a time, and never cancels a running apply', () => {
    expect(deploy.environment).toBe('production');
    expect(deploy.concurrency).toEqual({ group: 'deploy-production', 'cancel-in-progress': false });
  });

  test('the plan job runs in its own environment, whose reviewers approve before it gets the plan account', () => {
    expect(plan.environment).toBe('plan');
    expect(plan.concurrency).toEqual({ group: 'plan-${{ github.event.pull_request.number }}', 'cancel-in-progress': true });
    expect(PAGE).toContain('| environment `plan` | required reviewers, with "Prevent self-review" on;');
  });

  test("each account's principal is the subject GitHub gives a job in that account's environment", () => {
    const pool = 'principal://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/subject/';
    const principals = Object.fromEntries(
      [...PAGE.matchAll(/^\| (plan|deploy) \| `([^`]+)` \|$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(principals).toEqual({
      plan: `${pool}repo:<owner>/<repo>:environment:${plan.environment}`,
      deploy: `${pool}repo:<owner>/<repo>:environment:${deploy.environment}`,
    });
    // Both jobs run on GitHub's Ubuntu image, which has the gcloud the plan job uses.
    expect([plan['runs-on'], deploy['runs-on']]).toEqual(['ubuntu-latest', 'ubuntu-latest']);
  });

  test('the prerequisites name the APIs Workload Identity Federation through a service account needs', () => {
    const prerequisites = PAGE.slice(PAGE.indexOf('## Prerequisites'), PAGE.indexOf('## The order of the stacks'));
    expect(prerequisites).toContain(
      'gcloud services enable sts.googleapis.com iamcredentials.googleapis.com --project <the pool\'s project>',
    );
    expect(prerequisites).toContain('roles/iam.workloadIdentityUser');
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

describe("the workflow's loop step, run with a stub terraform and a stub gcloud", () => {
  const STACKS = EXAMPLE_STACKS.filter((s) => s !== 'state-bootstrap');
  const OVERRIDE = 'pr_plan_override.tf.json';
  let workspace: string;
  let runnerTemp: string;
  let terraformLog: string;
  let backendLog: string;
  let gcloudLog: string;
  let nodeLog: string;
  let statesFile: string;
  let dependencies: Record<string, string[]>;
  /** Where each stack's gcs backend keeps its state, read from the synthesized cdk.tf.json. */
  let stateObject: Record<string, string>;

  /**
   * Logs its arguments. init needs the lock file and logs the backend it finds (the override file's text, or gcs);
   * plan -out writes the plan, apply needs it. Like Terraform's gcs backend, init and plan of a stack whose state
   * object does not exist create it, which fails for the read-only plan account (STUB_READ_ONLY). A plan against the
   * override's empty local state has changes (2); any other plan exits STUB_PLAN_EXIT.
   */
  const TERRAFORM = `#!/usr/bin/env bash
echo "$*" >> "$TERRAFORM_LOG"
dir=.
command=
for arg in "$@"; do
  case $arg in
    -chdir=*) dir=\${arg#-chdir=} ;;
    -out=*) echo plan > "$dir/\${arg#-out=}" ;;
    tfplan) [[ -f $dir/tfplan ]] || { echo "stub: no plan in $dir" >&2; exit 1; } ;;
    -*) ;;
    *) command=\${command:-$arg} ;;
  esac
done
stack=\${dir##*/}
backend=gcs
if [[ -f $dir/${OVERRIDE} ]]; then backend=$(cat "$dir/${OVERRIDE}"); fi
if [[ $command == init ]]; then
  [[ -f $dir/.terraform.lock.hcl ]] || { echo "stub: no lock file in $dir" >&2; exit 1; }
  echo "$stack $backend" >> "$BACKEND_LOG"
fi
if [[ $backend == gcs && ($command == init || $command == plan) && -n \${STUB_READ_ONLY:-} ]] &&
  ! grep -q " $stack$" "\${STUB_TERRAFORM_STATES:-$STUB_STATES}"; then
  echo "Error: googleapi: Error 403: the plan account does not have storage.objects.create access, forbidden" >&2
  exit 1
fi
if [[ $command == plan ]]; then
  if [[ $backend != gcs ]]; then exit 2; fi
  exit "\${STUB_PLAN_EXIT:-2}"
fi
`;

  /** gcloud storage ls <url>: lists the URL when STUB_STATES has it, else fails as gcloud does; or STUB_GCLOUD_ERROR. */
  const GCLOUD = `#!/usr/bin/env bash
echo "$*" >> "$GCLOUD_LOG"
if [[ $# != 3 || $1 != storage || $2 != ls ]]; then echo "stub gcloud: unexpected arguments: $*" >&2; exit 2; fi
if [[ -n \${STUB_GCLOUD_ERROR:-} ]]; then echo "ERROR: (gcloud.storage.ls) $STUB_GCLOUD_ERROR" >&2; exit 1; fi
if grep -qF -- "$3 " "$STUB_STATES"; then echo "$3"; exit 0; fi
echo "ERROR: (gcloud.storage.ls) One or more URLs matched no objects." >&2
exit 1
`;

  /** The real node, logging the first argument of each start (the script, or -e). */
  const NODE = `#!/usr/bin/env bash
printf '%s\\n' "$1" >> "$NODE_LOG"
exec "$REAL_NODE" "$@"
`;

  beforeAll(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-'));
    const { code, err } = await runSynth(['--config', EXAMPLE_CONFIG], { CDKTF_OUTDIR: path.join(workspace, 'cdktf.out') });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    fs.mkdirSync(path.join(workspace, 'scripts'));
    fs.copyFileSync(path.join(ROOT, 'scripts', 'stack-order.js'), path.join(workspace, 'scripts', 'stack-order.js'));
    fs.mkdirSync(path.join(workspace, 'bin'));
    fs.writeFileSync(path.join(workspace, 'bin', 'terraform'), TERRAFORM, { mode: 0o755 });
    fs.writeFileSync(path.join(workspace, 'bin', 'gcloud'), GCLOUD, { mode: 0o755 });
    fs.writeFileSync(path.join(workspace, 'bin', 'node'), NODE, { mode: 0o755 });
    runnerTemp = path.join(workspace, 'runner-temp');
    fs.mkdirSync(runnerTemp);
    terraformLog = path.join(workspace, 'terraform.log');
    backendLog = path.join(workspace, 'backend.log');
    gcloudLog = path.join(workspace, 'gcloud.log');
    nodeLog = path.join(workspace, 'node.log');
    statesFile = path.join(workspace, 'states');
    const manifest = JSON.parse(fs.readFileSync(path.join(workspace, 'cdktf.out', 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { dependencies: string[] }>;
    };
    dependencies = Object.fromEntries(Object.entries(manifest.stacks).map(([name, s]) => [name, s.dependencies]));
    stateObject = Object.fromEntries(
      STACKS.map((stack) => {
        const config = JSON.parse(fs.readFileSync(path.join(workspace, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8')) as {
          terraform: { backend: { gcs: { bucket: string; prefix: string } } };
        };
        const { bucket, prefix } = config.terraform.backend.gcs;
        return [stack, `gs://${bucket}/${prefix}/default.tfstate`];
      }),
    );
  }, 120_000);

  afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

  interface StepRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    /** The stub's log: one terraform command line each. */
    readonly commands: string[];
    /** The backend each stack was inited with: 'gcs', or the override file's JSON. */
    readonly backends: Record<string, string>;
    /** One gcloud command line each. */
    readonly gcloud: string[];
    /** The first argument of each node start. */
    readonly node: string[];
  }

  interface StepEnv {
    readonly GITHUB_EVENT_NAME: string;
    readonly GITHUB_REF: string;
    readonly STUB_PLAN_EXIT?: string;
    readonly STUB_READ_ONLY?: string;
    readonly STUB_GCLOUD_ERROR?: string;
    /** The state objects the stub Terraform finds, when not those gcloud finds. */
    readonly STUB_TERRAFORM_STATES?: string;
  }

  const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : []);

  /**
   * A fresh checkout: committed locks for `locked`, state objects in the bucket for `applied`, nothing left in the
   * stack folders by an earlier run but an override file in each of `leftOverride`.
   */
  function runStep(
    env: StepEnv,
    { locked = STACKS, applied = STACKS, leftOverride = [] }: { locked?: string[]; applied?: string[]; leftOverride?: string[] } = {},
  ): StepRun {
    fs.rmSync(path.join(workspace, 'locks'), { recursive: true, force: true });
    fs.mkdirSync(path.join(workspace, 'locks'));
    for (const stack of locked) fs.writeFileSync(path.join(workspace, 'locks', `${stack}.terraform.lock.hcl`), `# lock of ${stack}\n`);
    for (const stack of EXAMPLE_STACKS) {
      for (const file of ['.terraform.lock.hcl', 'tfplan', OVERRIDE]) {
        fs.rmSync(path.join(workspace, 'cdktf.out', 'stacks', stack, file), { force: true });
      }
    }
    for (const stack of leftOverride) {
      fs.writeFileSync(path.join(workspace, 'cdktf.out', 'stacks', stack, OVERRIDE), '{"terraform":{"backend":{"local":{}}}}\n');
    }
    fs.writeFileSync(statesFile, applied.map((stack) => `${stateObject[stack]} ${stack}\n`).join(''));
    for (const file of [terraformLog, backendLog, gcloudLog, nodeLog]) fs.rmSync(file, { force: true });
    fs.rmSync(path.join(runnerTemp, 'pr-plan-state'), { recursive: true, force: true });
    // As GitHub runs a `run:` step with `shell: bash`: the text in a file.
    const script = path.join(workspace, 'step.sh');
    fs.writeFileSync(script, loopStep(plan)!.run!);
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: workspace,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: [path.join(workspace, 'bin'), process.env.PATH].join(path.delimiter),
        TERRAFORM_LOG: terraformLog,
        BACKEND_LOG: backendLog,
        GCLOUD_LOG: gcloudLog,
        NODE_LOG: nodeLog,
        REAL_NODE: process.execPath,
        STUB_STATES: statesFile,
        RUNNER_TEMP: runnerTemp,
        TF_PLUGIN_CACHE_DIR: path.join(workspace, 'plugin-cache'),
        ...env,
      },
    });
    const backends = Object.fromEntries(
      lines(backendLog).map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]),
    );
    return {
      code: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      commands: lines(terraformLog),
      backends,
      gcloud: lines(gcloudLog),
      node: lines(nodeLog),
    };
  }

  const stackOf = (command: string) => /^-chdir=cdktf\.out\/stacks\/(\S+) /.exec(command)?.[1];
  const commandsOf = (run: StepRun, stack: string) => run.commands.filter((c) => stackOf(c) === stack).map((c) => c.split(' ')[1]);
  const planOf = (run: StepRun, stack: string) => run.commands.find((c) => stackOf(c) === stack && c.split(' ')[1] === 'plan');
  const overrideOf = (stack: string) => path.join(workspace, 'cdktf.out', 'stacks', stack, OVERRIDE);
  const localState = (stack: string) => path.join(runnerTemp, 'pr-plan-state', `${stack}.tfstate`);
  const PUSH_TO_MAIN = { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' };
  /** The plan account may only read the state bucket. */
  const PULL_REQUEST = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge', STUB_READ_ONLY: '1' };

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
      'cloudrun-mesh-services': ['cloudrun-mesh-k8s'],
      'cloudrun-mesh-routes': ['cloudrun-mesh-services'],
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

  test('push to main, nothing applied yet: every stack uses its gcs backend, gcloud never runs, a left-over override goes', () => {
    const run = runStep(PUSH_TO_MAIN, { applied: [], leftOverride: ['iris-mirror', 'skypilot-app'] });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.gcloud).toEqual([]);
    expect(run.backends).toEqual(Object.fromEntries(STACKS.map((stack) => [stack, 'gcs'])));
    for (const stack of STACKS) {
      expect(commandsOf(run, stack)).toEqual(['init', 'plan', 'apply']);
      expect(planOf(run, stack)).not.toContain('-lock=false');
      expect(fs.existsSync(overrideOf(stack))).toBe(false);
    }
    expect(run.stdout).not.toContain('planned as a new stack');
  });

  test('pull request: every stack planned with its gcs backend and without a state lock, nothing applied', () => {
    const run = runStep({ ...PULL_REQUEST, STUB_PLAN_EXIT: '0' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const stack of STACKS) {
      expect(commandsOf(run, stack)).toEqual(['init', 'plan']);
      expect(planOf(run, stack)).toBe(`-chdir=cdktf.out/stacks/${stack} plan -input=false -detailed-exitcode -out=tfplan -lock=false`);
      expect(run.backends[stack]).toBe('gcs');
      expect(fs.existsSync(overrideOf(stack))).toBe(false);
    }
    // One look for each stack's state object, where its backend keeps it.
    expect([...run.gcloud].sort()).toEqual(STACKS.map((stack) => `storage ls ${stateObject[stack]}`).sort());
    expect(stateObject.skypilot).toBe('gs://example-project-123-tfstate/example/skypilot/default.tfstate');
  });

  test('pull request: a stack never applied is planned as new, against an empty local state, with a notice', () => {
    const fresh = ['iris-mirror', 'skypilot-app'];
    const run = runStep({ ...PULL_REQUEST, STUB_PLAN_EXIT: '0' }, { applied: STACKS.filter((s) => !fresh.includes(s)) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const stack of STACKS) {
      expect(commandsOf(run, stack)).toEqual(['init', 'plan']);
      expect(planOf(run, stack)).toContain(' -lock=false');
      if (fresh.includes(stack)) {
        const override = { terraform: { backend: { local: { path: localState(stack) } } } };
        expect(JSON.parse(run.backends[stack])).toEqual(override);
        expect(JSON.parse(fs.readFileSync(overrideOf(stack), 'utf8'))).toEqual(override);
        expect(run.stdout).toContain(
          `::notice::${stack} is planned as a new stack: it was never applied (${stateObject[stack]} does not exist yet)\n`,
        );
      } else {
        expect(run.backends[stack]).toBe('gcs');
        expect(fs.existsSync(overrideOf(stack))).toBe(false);
      }
    }
    expect(run.stdout.match(/planned as a new stack/g)).toHaveLength(fresh.length);
    // Planning writes no state, not even the local one.
    expect(fs.readdirSync(path.join(runnerTemp, 'pr-plan-state'))).toEqual([]);
  });

  test('pull request: node starts twice in all, for the order and for the state objects, not once per stack', () => {
    const run = runStep({ ...PULL_REQUEST, STUB_PLAN_EXIT: '0' });
    expect(run.code).toBe(0);
    expect(run.commands.filter((c) => c.split(' ')[1] === 'plan')).toHaveLength(STACKS.length);
    expect(run.node).toEqual(['scripts/stack-order.js', '-e']);
  });

  test('pull request: a stack without a gcs backend in its cdk.tf.json stops the step before Terraform runs, naming the stack', () => {
    // cdk.tf instead of cdk.tf.json (npm run synth:hcl), a backend that is not gcs, and a file that is not JSON.
    const config = (stack: string) => path.join(workspace, 'cdktf.out', 'stacks', stack, 'cdk.tf.json');
    const hcl = path.join(workspace, 'cdktf.out', 'stacks', 'iris-mirror', 'cdk.tf');
    const skypilot = fs.readFileSync(config('skypilot'), 'utf8');
    const gke = fs.readFileSync(config('gke-playground'), 'utf8');
    const notJson = '{\n  "terraform": {\n    "backend": gcs\n  }\n}\n';
    // The step's node is this one: its message quotes the text, newlines too.
    let parseError = '';
    try {
      JSON.parse(notJson);
    } catch (error) {
      parseError = (error as Error).message;
    }
    expect(parseError).toContain('\n');
    try {
      fs.renameSync(config('iris-mirror'), hcl);
      const local = JSON.parse(skypilot) as { terraform: { backend: Record<string, unknown> } };
      local.terraform.backend = { local: {} };
      fs.writeFileSync(config('skypilot'), JSON.stringify(local));
      fs.writeFileSync(config('gke-playground'), notJson);
      const run = runStep({ ...PULL_REQUEST, STUB_PLAN_EXIT: '0' });
      expect(run.code).toBe(1);
      expect(run.commands).toEqual([]);
      expect(run.gcloud).toEqual([]);
      // One annotation a line, and nothing else.
      expect(run.stderr.split('\n')).toEqual([
        '::error::gke-playground: cannot read the gcs backend from cdktf.out/stacks/gke-playground/cdk.tf.json: ' +
          parseError.replace(/\s*\n\s*/g, ' '),
        "::error::iris-mirror: cannot read the gcs backend from cdktf.out/stacks/iris-mirror/cdk.tf.json: ENOENT: no such file " +
          "or directory, open 'cdktf.out/stacks/iris-mirror/cdk.tf.json'",
        '::error::skypilot: cannot read the gcs backend from cdktf.out/stacks/skypilot/cdk.tf.json: its backend is not gcs',
        '',
      ]);
    } finally {
      if (fs.existsSync(hcl)) fs.renameSync(hcl, config('iris-mirror'));
      fs.writeFileSync(config('skypilot'), skypilot);
      fs.writeFileSync(config('gke-playground'), gke);
    }
  });

  test("the stub's gcs backend: without the override, the plan account's init of a stack never applied fails", () => {
    // What the tests above rely on: gcloud finds every state object, the stub Terraform none of them.
    const none = path.join(workspace, 'no-states');
    fs.writeFileSync(none, '');
    const run = runStep({ ...PULL_REQUEST, STUB_PLAN_EXIT: '0', STUB_TERRAFORM_STATES: none });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error 403');
    expect(commandsOf(run, STACKS[0])).toEqual(['init']);
  });

  test('pull request: a stack that depends on a stack never applied, directly or not, is not planned; the new stack is', () => {
    // cloudrun-mesh-k8s is new in the middle of the chain: the stacks after it wait, cloudrun-mesh before it does not.
    const fresh = ['skypilot', 'cloudrun-mesh-k8s'];
    const waiting: Record<string, string> = {
      'skypilot-app': 'skypilot',
      'cloudrun-mesh-services': 'cloudrun-mesh-k8s',
      'cloudrun-mesh-routes': 'cloudrun-mesh-k8s cloudrun-mesh-services',
    };
    const run = runStep({ ...PULL_REQUEST, STUB_PLAN_EXIT: '0' }, { applied: STACKS.filter((s) => !fresh.includes(s)) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const stack of STACKS) {
      if (stack in waiting) {
        expect(commandsOf(run, stack)).toEqual([]);
        expect(run.gcloud).not.toContain(`storage ls ${stateObject[stack]}`);
        expect(run.stdout).toContain(
          `::notice::${stack} not planned: it depends on ${waiting[stack]}, which has changes to apply first\n`,
        );
      } else {
        expect(commandsOf(run, stack)).toEqual(['init', 'plan']);
        if (fresh.includes(stack)) {
          expect(JSON.parse(run.backends[stack])).toEqual({ terraform: { backend: { local: { path: localState(stack) } } } });
        } else {
          expect(run.backends[stack]).toBe('gcs');
        }
      }
    }
    expect(run.stdout.match(/ not planned: /g)).toHaveLength(Object.keys(waiting).length);
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

  test('pull request: when gcloud cannot tell whether a state object exists, the step stops before Terraform runs', () => {
    const denied = 'HTTPError 403: plan@example.iam.gserviceaccount.com does not have storage.objects.list access';
    const run = runStep({ ...PULL_REQUEST, STUB_GCLOUD_ERROR: denied });
    expect(run.code).toBe(1);
    expect(run.commands).toEqual([]);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('::error::'))).toEqual([
      `::error::${STACKS[0]}: cannot tell whether ${stateObject[STACKS[0]]} exists: ERROR: (gcloud.storage.ls) ${denied}`,
    ]);
    expect(fs.existsSync(overrideOf(STACKS[0]))).toBe(false);
  });

  test('push to main: when stack-order.js fails, the step stops before Terraform runs, with its error as an annotation', () => {
    const manifest = path.join(workspace, 'cdktf.out', 'manifest.json');
    fs.renameSync(manifest, `${manifest}.away`);
    try {
      const run = runStep(PUSH_TO_MAIN);
      expect(run.code).toBe(1);
      expect(run.commands).toEqual([]);
      expect(run.gcloud).toEqual([]);
      expect(run.node).toEqual(['scripts/stack-order.js']);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe('::error::stack-order: cdktf.out/manifest.json not found; run npm run synth first\n');
    } finally {
      fs.renameSync(`${manifest}.away`, manifest);
    }
  });

  test('pull request: a manifest without stacks runs nothing, and the step succeeds', () => {
    const manifest = path.join(workspace, 'cdktf.out', 'manifest.json');
    const text = fs.readFileSync(manifest, 'utf8');
    try {
      fs.writeFileSync(manifest, '{"stacks":{}}');
      const run = runStep(PULL_REQUEST);
      expect(run).toMatchObject({ code: 0, stdout: '', stderr: '', commands: [], gcloud: [] });
    } finally {
      fs.writeFileSync(manifest, text);
    }
  });

  test('a push to another branch applies nothing', () => {
    const run = runStep({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/feature' });
    expect(run.code).toBe(0);
    expect(run.commands.some((c) => c.includes(' apply '))).toBe(false);
  });

  test('a stack without a committed lock stops the step before Terraform runs, naming the command that creates it', () => {
    const run = runStep(PUSH_TO_MAIN, { locked: STACKS.filter((s) => s !== 'skypilot-app') });
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
