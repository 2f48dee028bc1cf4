/**
 * `npm run bench [-- --runs N]`: builds the app as `npm run synth` does, synthesizes every stack of the example
 * config N times (default 7) into a scratch directory, and prints the median wall time and peak RSS.
 * Targets on a 2-core machine: full synth under 1 s.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 7;
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of at least 1 (got ${runs})`);

const bundle = path.join(ROOT, '.build', 'main.js');
execFileSync(
  path.join(ROOT, 'node_modules', '.bin', 'esbuild'),
  ['main.ts', '--bundle', '--platform=node', '--target=node20', '--packages=external', '--sourcemap', '--log-level=warning', `--outfile=${bundle}`],
  { cwd: ROOT, stdio: 'inherit' },
);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
const samples: { seconds: number; rssMb: number }[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, ['--require', path.join(__dirname, 'rss-probe.js'), bundle], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: path.join(scratch, 'cdktf.out') },
      encoding: 'utf8',
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (run.status !== 0) throw new Error(`synth failed:\n${run.stderr}`);
    const rssKb = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(run.stderr)?.[1]);
    samples.push({ seconds, rssMb: rssKb / 1024 });
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  `full synth of every stack in config/example.yaml, ${runs} runs: median ${median(samples.map((s) => s.seconds)).toFixed(3)} s wall, ` +
    `peak RSS ${median(samples.map((s) => s.rssMb)).toFixed(0)} MB (median of per-run peaks)`,
);
