import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onlyBlueprints } from '../support/example-text';

/**
 * The synth bundle: scripts/build.js builds .build/main.js, scripts/run-bundle.js runs it with a V8 code cache. The
 * rules of each are tested where runs are quick (a two-file entry point, a stand-in bundle, scratch directories);
 * the real bundle is built (or found fresh) and run once each way, on a state-only config.
 */
const ROOT = path.join(__dirname, '..', '..');
const BUILD = path.join(ROOT, 'scripts', 'build.js');
const LAUNCHER = path.join(ROOT, 'scripts', 'run-bundle.js');
const TIMEOUT_MS = 60_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function node(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** As node(), without waiting: independent runs share the machine's two cores. */
const nodeAsync = (args: string[], env: NodeJS.ProcessEnv = {}) => runAsync(process.execPath, args, env);

function runAsync(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject).on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const debug = { SYNTH_CODE_CACHE_DEBUG: '1' };
const cacheLine = (cacheFile: string, state: string) => `code cache ${cacheFile}: ${state}\n`;

/** The cache file's header line, after checking that it covers exactly the bytes that follow it. */
function wholeCacheHeader(cacheFile: string): { for: { file: { ino: number } }; sha256: string; bytecode: number } {
  const file = fs.readFileSync(cacheFile);
  const newline = file.indexOf(0x0a);
  const header = JSON.parse(file.subarray(0, newline).toString('utf8'));
  expect(createHash('sha256').update(file.subarray(newline + 1)).digest('hex')).toBe(header.sha256);
  return header;
}

describe('scripts/build.js on a two-file entry point (the freshness rules of the real build, in milliseconds)', () => {
  let dir: string;
  let entry: string;
  let dep: string;
  let outdir: string;
  let bundle: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-test-'));
    entry = path.join(dir, 'entry.ts');
    dep = path.join(dir, 'dep.ts');
    outdir = path.join(dir, 'out');
    bundle = path.join(outdir, 'main.js');
    fs.writeFileSync(entry, "import { greeting } from './dep';\nconsole.log(greeting);\n");
    fs.writeFileSync(dep, "export const greeting: string = 'hello';\n");
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function build(...args: string[]) {
    const result = spawnSync(process.execPath, [BUILD, '--entry', entry, '--outdir', outdir, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** What `build --verbose` did and why, without the time it took. */
  function verboseBuild(): string {
    const { code, stdout, stderr } = build('--verbose');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    return stdout.replace(/ in \d+\.\d s/, '');
  }

  const built = (reason: string) => `build: built ${path.relative(ROOT, bundle)} (${reason})\n`;
  const run = (file: string) => spawnSync(process.execPath, [file], { encoding: 'utf8' }).stdout;
  const setMtime = (file: string, date: Date) => fs.utimesSync(file, date, date);
  const identity = (file: string) => {
    const { ino, mtimeMs } = fs.statSync(file);
    return { ino, mtimeMs };
  };

  test('builds silently; skips while fresh; rebuilds for a newer input or another key; fails for a removed one', () => {
    expect(build()).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(run(bundle)).toBe('hello\n');
    // The metafile is esbuild's; the stamp lists the inputs that are files (not the define of ISTIO_VALIDATORS).
    const inputs = Object.keys(JSON.parse(fs.readFileSync(`${bundle}.meta.json`, 'utf8')).inputs);
    expect(inputs).toContain('<define:ISTIO_VALIDATORS>');
    const files = inputs.filter((input) => input !== '<define:ISTIO_VALIDATORS>');
    expect(files.map((input) => path.resolve(ROOT, input)).sort()).toEqual([dep, entry]);
    expect(JSON.parse(fs.readFileSync(`${bundle}.stamp.json`, 'utf8')).inputs).toEqual(files);

    const first = identity(bundle);
    expect(verboseBuild()).toBe(`build: ${path.relative(ROOT, bundle)} is fresh\n`);
    expect(identity(bundle)).toEqual(first);

    // A newer input; the code cache of the old bundle goes with it.
    const codeCache = `${bundle}.v8-cache`;
    fs.writeFileSync(codeCache, 'cache of the old bundle');
    fs.writeFileSync(dep, "export const greeting: string = 'changed';\n");
    // Saved in the same second as the build would look fresh on a coarse clock: make it plainly later.
    setMtime(dep, new Date(Date.now() + 60_000));
    expect(verboseBuild()).toBe(built(`${path.relative(ROOT, dep)} changed`));
    expect(run(bundle)).toBe('changed\n');
    expect(fs.existsSync(codeCache)).toBe(false);
  
    // Another key: build options, esbuild, tsconfig.json, the installed packages or this script changed.
    const stampFile = `${bundle}.stamp.json`;
    fs.writeFileSync(stampFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(stampFile, 'utf8')), key: 'other' }));
    expect(verboseBuild()).toBe(built('build options or installed packages changed'));
    expect(fs.readdirSync(outdir).sort()).toEqual(['main.js', 'main.js.meta.json', 'main.js.stamp.json']);

    // A removed input rebuilds; as the entry still imports it, that fails with esbuild's error, and says why it ran.
    fs.rmSync(dep);
    const failed = build();
    expect({ code: failed.code, stdout: failed.stdout }).toEqual({ code: 1, stdout: '' });
    expect(failed.stderr).toContain('Could not resolve "./dep"');
    expect(failed.stderr).toContain(`build: bundling ${path.relative(ROOT, entry)} failed (${path.relative(ROOT, dep)} is gone)`);
    // The last bundle stays.
    expect(run(bundle)).toBe('changed\n');
  });

  test('builds that run at once all succeed and leave one whole bundle and no temporary files', async () => {
    const codes = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<number | null>((resolve) => {
            spawn(process.execPath, [BUILD, '--entry', entry, '--outdir', outdir], { cwd: ROOT, stdio: 'ignore' }).on('exit', resolve);
          }),
      ),
    );
    expect(codes).toEqual([0, 0]);
    expect(run(bundle)).toBe('hello\n');
    expect(fs.readdirSync(outdir).sort()).toEqual(['main.js', 'main.js.meta.json', 'main.js.stamp.json']);
  });

  test('an unknown argument exits 2 with the usage', () => {
    expect(build('--outfile', 'x')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'build: unknown argument --outfile\nusage: node scripts/build.js [--verbose] [--entry <file>] [--outdir <dir>]\n',
    });
  });
});

test('ensureIstioValidators (scripts/istio-validators.js, called by the bundle) reads only the first line to decide', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ensureIstioValidators, stamp } = require(path.join(ROOT, 'scripts', 'istio-validators.js')) as {
    ensureIstioValidators(file: string): void;
    stamp(): string;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-validators-'));
  try {
    // The current stamp over anything at all: not compiled again (another first line would be; compiling is tested in
    // test/k8s/precompiled-validators.test.ts).
    const current = path.join(dir, 'current.js');
    fs.writeFileSync(current, `${stamp()}\n// not compiled again\n`);
    ensureIstioValidators(current);
    expect(fs.readFileSync(current, 'utf8')).toBe(`${stamp()}\n// not compiled again\n`);
    expect(stamp()).toMatch(/^\/\/ generated by scripts\/istio-validators\.js: @kubernetes-models\/istio \d/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('scripts/run-bundle.js on a small stand-in bundle (a copy of it runs the .build/main.js beside it)', () => {
  let dir: string;
  let bundle: string;
  let launcher: string;
  let cacheFile: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-bundle-test-'));
    fs.mkdirSync(path.join(dir, 'scripts'));
    fs.mkdirSync(path.join(dir, '.build'));
    launcher = path.join(dir, 'scripts', 'run-bundle.js');
    fs.copyFileSync(LAUNCHER, launcher);
    bundle = path.join(dir, '.build', 'main.js');
    cacheFile = `${bundle}.v8-cache`;
    // As scripts/build.js writes it: a function of node's module variables, and its call. A thousand functions: `all`
    // compiles each of them, `one` only the first, so `all` needs far more code. `beside` requires a file beside it,
    // which is not wrapped (the launcher wraps it as node does).
    const functions = Array.from({ length: 1000 }, (_, i) => `function f${i}(x) { return [x, ${i}].map((v) => v * 2).reduce((a, b) => a + b, 0); }`);
    const body = [
      '"use strict";',
      ...functions,
      `const fns = [${functions.map((_, i) => `f${i}`).join(', ')}];`,
      'const [which, exitCode] = process.argv.slice(2);',
      "if (which === 'throw') throw new Error('boom');",
      "if (which === 'beside') console.log(require('./beside.js').answer);",
      "let sum = 0; for (let i = 0; i < (which === 'all' ? fns.length : 1); i++) sum += fns[i](i);",
      'console.log(JSON.stringify({ sum, argv1: process.argv[1], __filename, __dirname, exports: module.exports === exports, this: this === exports }));',
      "console.log(require.resolve('./main.js'));",
      "console.error('to stderr');",
      'process.exitCode = Number(exitCode);',
    ];
    fs.writeFileSync(
      bundle,
      `(function (exports, require, module, __filename, __dirname) {\n${body.join('\n')}\n` +
        '}).call(this, exports, require, module, __filename, __dirname);\n',
    );
    fs.writeFileSync(path.join(dir, '.build', 'beside.js'), 'exports.answer = (() => 42)();\n');
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('runs as `node .build/main.js` does: arguments, module variables, require, output, exit code, uncaught errors', async () => {
    const [plain, launched, thrown] = await Promise.all([
      nodeAsync([bundle, 'all', '3']),
      nodeAsync([launcher, 'all', '3']),
      nodeAsync([launcher, 'throw'], { SYNTH_CODE_CACHE: path.join(dir, 'thrown.v8-cache') }),
    ]);
    const variables = { sum: 1998000, argv1: bundle, __filename: bundle, __dirname: path.dirname(bundle), exports: true, this: true };
    expect(plain).toEqual({ code: 3, stdout: `${JSON.stringify(variables)}\n${bundle}\n`, stderr: 'to stderr\n' });
    expect(launched).toEqual(plain);
    // An uncaught error: exit code 1 and the error on stderr, as from node (the stack has the launcher's frames too).
    expect(thrown.code).toBe(1);
    expect(thrown.stderr).toMatch(new RegExp(`^${bundle}:\\d+\\n.*\\n *\\^\\n\\nError: boom\\n    at `));
  });

  test('the cache is written on the first run, used by the next, and written again by a run that needs more code', () => {
    fs.rmSync(cacheFile, { force: true });
    expect(node([launcher, 'one', '0'], debug).stderr).toBe(`to stderr\n${cacheLine(cacheFile, 'missing, written')}`);
    const small = wholeCacheHeader(cacheFile).bytecode;
    expect(node([launcher, 'one', '0'], debug).stderr).toBe(`to stderr\n${cacheLine(cacheFile, 'accepted')}`);
    expect(node([launcher, 'all', '0'], debug).stderr).toBe(`to stderr\n${cacheLine(cacheFile, 'accepted from a smaller run, written')}`);
    expect(wholeCacheHeader(cacheFile).bytecode).toBeGreaterThan(small * 1.1);
  });

  test('a file beside the bundle that it requires gets a cache of its own, beside the bundle\'s', () => {
    const caches = path.join(dir, 'beside-caches');
    fs.mkdirSync(caches);
    const env = { ...debug, SYNTH_CODE_CACHE: path.join(caches, 'main.js.v8-cache') };
    const lines = (state: string) =>
      `to stderr\n${cacheLine(path.join(caches, 'main.js.v8-cache'), state)}${cacheLine(path.join(caches, 'beside.js.v8-cache'), state)}`;
    const plain = node([bundle, 'beside', '0']);
    expect(plain.stdout).toMatch(/^42\n/);
    expect(node([launcher, 'beside', '0'], env)).toEqual({ ...plain, stderr: lines('missing, written') });
    wholeCacheHeader(path.join(caches, 'beside.js.v8-cache'));
    expect(node([launcher, 'beside', '0'], env)).toEqual({ ...plain, stderr: lines('accepted') });
  });

  describe('a cache that does not fit is replaced, and the run does not fail', () => {
    let good: Buffer;
    let expected: Run;

    beforeAll(() => {
      fs.rmSync(cacheFile, { force: true });
      expected = node([launcher, 'all', '0']);
      good = fs.readFileSync(cacheFile);
    });

    /** The good cache's header, changed by `change`, over `payload` (by default the good bytes), with their hash. */
    function cacheWith(change: (h: { for: { file: { ino: number } } }) => void, payload?: Buffer): Buffer {
      const newline = good.indexOf(0x0a);
      const header = JSON.parse(good.subarray(0, newline).toString('utf8'));
      change(header);
      const data = payload ?? good.subarray(newline + 1);
      header.sha256 = createHash('sha256').update(data).digest('hex');
      return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), data]);
    }

    function flipped(bytes: Buffer, at: number): Buffer {
      const copy = Buffer.from(bytes);
      copy[at] ^= 0xff;
      return copy;
    }

    test('not a cache, one byte changed, made for another build, bytes V8 rejects; one that cannot be written', async () => {
      const header = (cache: Buffer) => JSON.parse(cache.subarray(0, cache.indexOf(0x0a)).toString('utf8'));
      const variants: Record<string, { contents: Buffer; state: string }> = {
        'not a cache': { contents: Buffer.from('\u0000garbage\nmore garbage'), state: 'unreadable' },
        // V8 itself would not notice.
        'one byte changed': { contents: flipped(good, good.length - 100), state: 'corrupt' },
        'made for another build of the bundle': {
          contents: cacheWith((h) => (h.for.file.ino += 1)),
          state: 'stale',
        },
        'bytes V8 does not take, under a header that fits': {
          contents: cacheWith(() => undefined, Buffer.alloc(4096, 7)),
          state: 'rejected by V8',
        },
      };
      const names = Object.keys(variants);
      const files = names.map((_, i) => path.join(dir, `variant-${i}.v8-cache`));
      names.forEach((name, i) => fs.writeFileSync(files[i], variants[name].contents));
      const unwritable = path.join(dir, 'no-such-directory', 'cache');
      const runs = await Promise.all(
        [...files, unwritable].map((file) => nodeAsync([launcher, 'all', '0'], { ...debug, SYNTH_CODE_CACHE: file })),
      );

      // Each run succeeds as it would have with the good cache, and replaces the file with a whole cache for the bundle.
      expect(Object.fromEntries(names.map((name, i) => [name, runs[i]]))).toEqual(
        Object.fromEntries(
          names.map((name, i) => [
            name,
            { ...expected, stderr: `${expected.stderr}${cacheLine(files[i], `${variants[name].state}, written`)}` },
          ]),
        ),
      );
      for (const file of files) expect(wholeCacheHeader(file).for).toEqual(header(good).for);
      // A cache that cannot be written: the synth's result stands.
      expect(runs.at(-1)).toMatchObject({ code: 0, stdout: expected.stdout });
      expect(runs.at(-1)?.stderr).toMatch(new RegExp(`^to stderr\\ncode cache ${unwritable}: missing, not written: ENOENT`));
    });
  });
});

/** A config in `dir` with every blueprint off, so only state-bootstrap: its path. */
function writeStateOnlyConfig(dir: string): string {
  const stateOnly = path.join(dir, 'state-only.yaml');
  fs.writeFileSync(stateOnly, onlyBlueprints([]));
  return stateOnly;
}

test(
  'the synth bundle as npm run synth builds and runs it: fresh after a build, the same output and files as node .build/main.js',
  async () => {
    // npm run synth is "node scripts/build.js && node <V8 flags> scripts/run-bundle.js".
    const synthScript: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.synth;
    const [build, launch] = synthScript.split(' && ');
    expect(build).toBe('node scripts/build.js');
    const launchArgs = launch.split(' ');
    expect(launchArgs[0]).toBe('node');
    expect(launchArgs.at(-1)).toBe('scripts/run-bundle.js');
    expect(node([BUILD])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(node([BUILD, '--verbose'])).toEqual({ code: 0, stdout: 'build: .build/main.js is fresh\n', stderr: '' });
    const { inputs } = JSON.parse(fs.readFileSync(path.join(ROOT, '.build', 'main.js.stamp.json'), 'utf8')) as { inputs: string[] };
    expect(inputs).toContain('main.ts');
    // Loaded at run time from their own folders, not bundled.
    expect(inputs.filter((input) => /@cdktf\/hcl|@kubernetes-models\/istio\//.test(input))).toEqual([]);
    // Built as the launcher compiles it fastest: a function, then its call.
    const bundleText = fs.readFileSync(path.join(ROOT, '.build', 'main.js'), 'latin1');
    expect(bundleText.startsWith('(function (exports, require, module, __filename, __dirname) {\n"use strict";')).toBe(true);
    expect(bundleText.endsWith('\n}).call(this, exports, require, module, __filename, __dirname);\n')).toBe(true);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-bundle-synth-'));
    try {
      const stateOnly = writeStateOnlyConfig(dir);
      /** A synth into `<dir>/<outName>`; the app prints where it wrote each stack, here always as <outdir>. */
      const synth = async (args: string[], outName: string, env: NodeJS.ProcessEnv = {}) => {
        const outdir = path.join(dir, outName);
        const run = await nodeAsync([...args, '--config', stateOnly], { CDKTF_OUTDIR: outdir, ...env });
        return { ...run, stdout: run.stdout.split(path.relative(ROOT, outdir)).join('<outdir>') };
      };
      const files = (outName: string) => {
        const root = path.join(dir, outName);
        return fs
          .readdirSync(root, { recursive: true, encoding: 'utf8' })
          .sort()
          .map((name) => {
            const file = path.join(root, name);
            return [name, fs.statSync(file).isFile() ? fs.readFileSync(file, 'utf8') : 'a directory'];
          });
      };

      // The launcher with the repository's own cache, as npm run synth: whatever state other runs left it in, it is
      // used or renewed.
      const [plain, launched] = await Promise.all([
        synth([path.join(ROOT, '.build', 'main.js')], 'plain'),
        synth(launchArgs.slice(1), 'launched', debug),
      ]);
      expect(plain).toMatchObject({ code: 0, stderr: '' });
      expect(plain.stdout).toContain('state-bootstrap    3 resources  <outdir>/stacks/state-bootstrap/cdk.tf.json');
      const cacheFile = path.join(ROOT, '.build', 'main.js.v8-cache');
      expect(launched).toEqual({ ...plain, stderr: expect.stringMatching(new RegExp(`^code cache ${cacheFile}: (accepted|.*, written)\n$`)) });
      expect(files('launched')).toEqual(files('plain'));
      wholeCacheHeader(cacheFile);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  TIMEOUT_MS,
);

test(
  'npm run synth:hcl -- --config <file> hands the arguments on to the app, as npm run synth does',
  async () => {
    // synth:hcl calls npm run synth again: without a `--` there, that npm takes --config for an option of its own.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-hcl-'));
    try {
      const stateOnly = writeStateOnlyConfig(dir);
      const outdir = path.join(dir, 'out');
      const run = await runAsync('npm', ['run', '--silent', 'synth:hcl', '--', '--config', stateOnly], { CDKTF_OUTDIR: outdir });
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(run.stdout.split('\n')[0]).toMatch(new RegExp(`^config ${stateOnly}: `));
      expect(fs.readdirSync(path.join(outdir, 'stacks', 'state-bootstrap')).sort()).toEqual(['cdk.tf', 'metadata.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  TIMEOUT_MS,
);
