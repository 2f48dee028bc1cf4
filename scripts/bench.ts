/**
 * `npm run bench [-- --runs N] [-- --config <file>]`: runs exactly what `npm run synth` runs (its build step once, then
 * its node command N times, default 7) on one config into a scratch directory, and prints the number of stacks, the
 * median wall time and the peak RSS. The config is chosen as the app chooses it (--config, else $BLUEPRINT_CONFIG,
 * else config/example.yaml) and handed to every run explicitly. Each synth alternates with a naive
 * `require('@cdktf/provider-google')` (the barrel a project without deep imports loads), so both see the same machine
 * noise: the ratio of their medians carries over between machines, seconds do not. Target: synth at most 0.35 of it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseConfig, CONFIG_ENV, DEFAULT_CONFIG } from '../lib/app/config-file';

const ROOT = path.join(__dirname, '..');
const DEFAULT_RUNS = 7;
const USAGE = `usage: npm run bench -- [--runs N] [--config <file>]
  Builds once as npm run synth does, then times N full synths (default ${DEFAULT_RUNS}) into a scratch directory.
  --runs N          number of timed synths, at least 1
  --config <file>   config file (default: $${CONFIG_ENV}, else ${DEFAULT_CONFIG})`;

/** An expected failure: printed as one line, without a stack trace. */
class BenchError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

interface Options {
  readonly runs: number;
  readonly config: string;
  readonly help: boolean;
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  let runs = String(DEFAULT_RUNS);
  let config: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    // `--flag value` or `--flag=value`
    const [flag, inlineValue] = argv[i].split(/=(.*)/s);
    const value = () => {
      const given = inlineValue ?? argv[++i];
      if (given === undefined) throw new BenchError(`${flag} needs a value`, 2);
      return given;
    };
    if (flag === '--help' || flag === '-h') help = true;
    else if (flag === '--runs') runs = value();
    else if (flag === '--config') config = value();
    else throw new BenchError(`unknown argument ${argv[i]}`, 2);
  }
  if (!/^\d+$/.test(runs) || Number(runs) < 1) {
    throw new BenchError(`--runs must be a whole number of at least 1 (got "${runs}")`, 2);
  }
  return { runs: Number(runs), config: chooseConfig(config, env).file, help };
}

/** cdktf's manifest lists every stack the synth wrote. */
function synthesizedStacks(outdir: string): number {
  return Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).stacks).length;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function bench({ runs, config }: Options): string {
  // Every run has ROOT as its working directory, as npm run synth does, so a relative config is relative to ROOT.
  if (!fs.existsSync(path.resolve(ROOT, config))) throw new BenchError(`${config} does not exist`, 2);

  // "synth" is "<build steps> && node <script>" (scripts/build.js, then scripts/run-bundle.js): build once, time the node part.
  const synth: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.synth;
  const steps = synth.split(' && ');
  const build = steps.slice(0, -1).join(' && ');
  const nodeArgs = steps.at(-1)?.split(' ') ?? [];
  if (nodeArgs[0] !== 'node') throw new Error(`expected "synth" to be "<build> && node <args>" (got "${synth}")`);
  const built = spawnSync(build, {
    cwd: ROOT,
    shell: true,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}` },
  });
  if (built.status !== 0) throw new BenchError(`build failed (exit ${built.status ?? built.signal}); see its output above`, 1);

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const outdir = path.join(scratch, 'cdktf.out');
  const samples: { seconds: number; rssMb: number }[] = [];
  const naiveSeconds: number[] = [];
  let stacks = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, ['--require', path.join(__dirname, 'rss-probe.js'), ...nodeArgs.slice(1)], {
        cwd: ROOT,
        env: { ...process.env, [CONFIG_ENV]: config, CDKTF_OUTDIR: outdir },
        encoding: 'utf8',
      });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (result.status !== 0) {
        // The first line names the problem (the app lists the rest below it); the probe's line is ours, not the app's.
        const firstLine = result.stderr.split('\n').find((line) => line.trim() && !line.startsWith('BENCH_MAX_RSS_KB='));
        throw new BenchError(
          `synth of ${config} failed (exit ${result.status ?? result.signal}): ${firstLine ?? 'no error output'}; ` +
            `run npm run synth -- --config ${config} to see every problem`,
          1,
        );
      }
      if (i === 0) stacks = synthesizedStacks(outdir);
      const rssKb = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(result.stderr)?.[1]);
      samples.push({ seconds, rssMb: rssKb / 1024 });
      // After the synth, so that a config that fails does so before the first few seconds of naive require.
      naiveSeconds.push(naiveProviderRequire());
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const synthMedian = median(samples.map((s) => s.seconds));
  const naiveMedian = median(naiveSeconds);
  return (
    `full synth of ${plural(stacks, 'stack')} in ${config}, ${plural(runs, 'run')}: ` +
    `median ${synthMedian.toFixed(3)} s wall, ` +
    `peak RSS ${median(samples.map((s) => s.rssMb)).toFixed(0)} MB (median of per-run peaks)\n` +
    `naive require('@cdktf/provider-google'), alternating with each synth: median ${naiveMedian.toFixed(3)} s wall; ` +
    `synth is ${(synthMedian / naiveMedian).toFixed(2)} of it (target at most 0.35)`
  );
}

/** Seconds a fresh node takes to require the google provider's barrel, as a project without deep imports does. */
function naiveProviderRequire(): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-e', "require('@cdktf/provider-google')"], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`require('@cdktf/provider-google') failed: ${result.stderr.split('\n')[0]}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

try {
  const options = parseArgs(process.argv.slice(2), process.env);
  console.log(options.help ? USAGE : bench(options));
} catch (error) {
  if (!(error instanceof BenchError)) throw error;
  console.error(`bench: ${error.message}`);
  process.exitCode = error.exitCode;
}
