/**
 * `npm run bench [-- --runs N]`: runs exactly what `npm run synth` runs (its build step once, then its node command
 * N times, default 7) on the example config into a scratch directory, and prints the median wall time and peak RSS.
 * Target on a 2-core machine: full synth under 1 s.
 */
import { execSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 7;
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of at least 1 (got ${runs})`);

// "synth" is "<build steps> && node <bundle>": build once, time the node part.
const synth: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.synth;
const steps = synth.split(' && ');
const build = steps.slice(0, -1).join(' && ');
const nodeArgs = steps.at(-1)?.split(' ') ?? [];
if (nodeArgs[0] !== 'node') throw new Error(`expected "synth" to be "<build> && node <args>" (got "${synth}")`);
execSync(build, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}` } });

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
const samples: { seconds: number; rssMb: number }[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--require', path.join(__dirname, 'rss-probe.js'), ...nodeArgs.slice(1)], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: path.join(scratch, 'cdktf.out') },
      encoding: 'utf8',
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) throw new Error(`synth failed:\n${result.stderr}`);
    const rssKb = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(result.stderr)?.[1]);
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
