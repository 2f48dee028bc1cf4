import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.join(__dirname, '..', '..');
// Each run starts tsx; the last two also build the bundle and synthesize.
const SYNTH_TIMEOUT_MS = 60_000;
/**
 * The settings every config needs and no blueprint, so it synthesizes the state bucket's stack alone. Written here,
 * not taken from test/support/app: that module loads cdktf and every stack, two seconds for this file's one string.
 */
const minimalConfig = (projectId: string) =>
  `projectId: ${projectId}\nregion: us-central1\nenvironment: dev\nstateBucket: b-tfstate\n`;

let workdir: string;

beforeAll(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-test-'));
});

afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

function bench(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'scripts/bench.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderrLines: result.stderr.split('\n').filter((l) => l !== '') };
}

function writeConfig(name: string, text: string): string {
  const file = path.join(workdir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('npm run bench', () => {
  test.each([
    [['--runs', '0'], 'bench: --runs must be a whole number of at least 1 (got "0")'],
    [['--runs', 'abc'], 'bench: --runs must be a whole number of at least 1 (got "abc")'],
    [['--foo'], 'bench: unknown argument --foo'],
    [['--config=config/missing.yaml'], 'bench: config/missing.yaml does not exist'],
  ])('%j exits 2 with one line and no stack trace', (args, message) => {
    const { code, stderrLines } = bench(args);
    expect(stderrLines).toEqual([message]);
    expect(code).toBe(2);
  });

  test(
    'a config that fails validation exits 1 with one line naming the file',
    () => {
      const bad = writeConfig('bad.yaml', minimalConfig('X'));
      const { code, stdout, stderrLines } = bench(['--config', bad]);
      expect(stdout).toBe('');
      // The build prints nothing when it succeeds or finds the bundle fresh (scripts/build.js).
      expect(stderrLines).toEqual([
        `bench: synth of ${bad} failed (exit 1): ${bad}: 1 problem; nothing was synthesized; ` +
          `run npm run synth -- --config ${bad} to see every problem`,
      ]);
      expect(code).toBe(1);
    },
    SYNTH_TIMEOUT_MS,
  );

  test(
    'measures the config from BLUEPRINT_CONFIG and counts its stacks, and the naive provider require next to it',
    () => {
      const stateOnly = writeConfig('state-only.yaml', minimalConfig('example-project-123'));
      const { code, stdout, stderrLines } = bench(['--runs', '1'], { BLUEPRINT_CONFIG: stateOnly });
      expect(stderrLines).toEqual([]);
      expect(code).toBe(0);
      expect(stdout).toMatch(
        new RegExp(
          '^full synth of 1 stack in .*state-only\\.yaml, 1 run: median \\d+\\.\\d{3} s wall, peak RSS \\d+ MB \\(median of per-run peaks\\)\\n' +
            "naive require\\('@cdktf/provider-google'\\), alternating with each synth: median \\d+\\.\\d{3} s wall; " +
            'synth is \\d+\\.\\d{2} of it \\(target at most 0\\.35\\)\\n$',
        ),
      );
    },
    SYNTH_TIMEOUT_MS,
  );
});
