import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * scripts/run-bundle.js against running its bundle with plain node. The cache rules are tested on a small stand-in
 * bundle (a copy of the launcher in a scratch directory runs the `.build/main.js` beside it): quick runs. The synth
 * bundle runs once without and twice with the launcher, on a state-only config, with a cache of its own.
 */
const ROOT = path.join(__dirname, '..', '..');
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

const debug = { SYNTH_CODE_CACHE_DEBUG: '1' };
const cacheLine = (cacheFile: string, state: string) => `code cache ${cacheFile}: ${state}\n`;

/** The cache file's header line, after checking that it covers exactly the bytes that follow it. */
function wholeCacheHeader(cacheFile: string): { for: { bundle: { ino: number } }; sha256: string; bytecode: number } {
  const file = fs.readFileSync(cacheFile);
  const newline = file.indexOf(0x0a);
  const header = JSON.parse(file.subarray(0, newline).toString('utf8'));
  expect(createHash('sha256').update(file.subarray(newline + 1)).digest('hex')).toBe(header.sha256);
  return header;
}

describe('a small stand-in bundle', () => {
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
    writeStandIn(WRAPPED);
  });

  /** What scripts/build.js puts around the bundle: a function of node's module variables, and its call. */
  const WRAPPED = {
    start: '(function (exports, require, module, __filename, __dirname) {\n',
    end: '\n}).call(this, exports, require, module, __filename, __dirname);\n',
  };

  function writeStandIn(wrapper: { start: string; end: string }) {
    // A thousand functions: `all` compiles each of them, `one` only the first, so `all` needs far more code.
    const functions = Array.from({ length: 1000 }, (_, i) => `function f${i}(x) { return [x, ${i}].map((v) => v * 2).reduce((a, b) => a + b, 0); }`);
    const body = [
      '"use strict";',
      ...functions,
      `const fns = [${functions.map((_, i) => `f${i}`).join(', ')}];`,
      'const [which, exitCode] = process.argv.slice(2);',
      "if (which === 'throw') throw new Error('boom');",
      "let sum = 0; for (let i = 0; i < (which === 'all' ? fns.length : 1); i++) sum += fns[i](i);",
      'console.log(JSON.stringify({ sum, argv1: process.argv[1], __filename, __dirname, exports: module.exports === exports, this: this === exports }));',
      "console.log(require.resolve('./main.js'));",
      "console.error('to stderr');",
      'process.exitCode = Number(exitCode);',
    ].join('\n');
    fs.writeFileSync(bundle, `${wrapper.start}${body}${wrapper.end}`);
  }

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['as scripts/build.js writes it', WRAPPED],
    ['without the function around it (wrapped as node does)', { start: '', end: '\n' }],
  ])('runs as `node .build/main.js` does, %s: arguments, module variables, require, output, exit code', (_name, wrapper) => {
    writeStandIn(wrapper);
    try {
      const plain = node([bundle, 'all', '3']);
      const variables = { sum: 1998000, argv1: bundle, __filename: bundle, __dirname: path.dirname(bundle), exports: true, this: true };
      expect(plain).toEqual({ code: 3, stdout: `${JSON.stringify(variables)}\n${bundle}\n`, stderr: 'to stderr\n' });
      expect(node([launcher, 'all', '3'])).toEqual(plain);
      // An uncaught error: exit code 1 and the error on stderr, as from node (the stack has the launcher's frames too).
      const thrown = node([launcher, 'throw']);
      expect(thrown.code).toBe(1);
      expect(thrown.stderr).toMatch(new RegExp(`^${bundle}:\\d+\\n.*\\n *\\^\\n\\nError: boom\\n    at `));
    } finally {
      writeStandIn(WRAPPED);
    }
  });

  test('the cache is written on the first run, used by the next, and written again by a run that needs more code', () => {
    fs.rmSync(cacheFile, { force: true });
    expect(node([launcher, 'one', '0'], debug).stderr).toBe(`to stderr\n${cacheLine(cacheFile, 'missing, written')}`);
    const small = wholeCacheHeader(cacheFile).bytecode;
    expect(node([launcher, 'one', '0'], debug).stderr).toBe(`to stderr\n${cacheLine(cacheFile, 'accepted')}`);
    expect(node([launcher, 'all', '0'], debug).stderr).toBe(`to stderr\n${cacheLine(cacheFile, 'accepted from a smaller run, written')}`);
    expect(wholeCacheHeader(cacheFile).bytecode).toBeGreaterThan(small * 1.1);
    const written = fs.statSync(cacheFile);
    // A smaller run does not write it again.
    expect(node([launcher, 'one', '0'], debug).stderr).toBe(`to stderr\n${cacheLine(cacheFile, 'accepted')}`);
    const after = fs.statSync(cacheFile);
    expect({ ino: after.ino, mtimeMs: after.mtimeMs }).toEqual({ ino: written.ino, mtimeMs: written.mtimeMs });
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
    function cacheWith(change: (header: { for: { bundle: { ino: number } } }) => void, payload?: Buffer): Buffer {
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

    test.each([
      ['not a cache', () => Buffer.from('\u0000garbage\nmore garbage'), 'unreadable'],
      ['one byte changed (V8 itself would not notice)', () => flipped(good, good.length - 100), 'corrupt'],
      ['made for another build of the bundle', () => cacheWith((header) => (header.for.bundle.ino += 1)), 'for another bundle'],
      ['bytes V8 does not take, under a header that fits', () => cacheWith(() => undefined, Buffer.alloc(4096, 7)), 'rejected by V8'],
    ])('%s', (_name, contents, state) => {
      fs.writeFileSync(cacheFile, contents());
      expect(node([launcher, 'all', '0'], debug)).toEqual({
        ...expected,
        stderr: `${expected.stderr}${cacheLine(cacheFile, `${state}, written`)}`,
      });
      expect(wholeCacheHeader(cacheFile).for).toEqual(JSON.parse(good.subarray(0, good.indexOf(0x0a)).toString()).for);
    });

    test('the replacement is used by the next run', () => {
      fs.writeFileSync(cacheFile, 'not a cache');
      node([launcher, 'all', '0']);
      expect(node([launcher, 'all', '0'], debug).stderr).toBe(`${expected.stderr}${cacheLine(cacheFile, 'accepted')}`);
    });

    test('a cache that cannot be written: the run still succeeds', () => {
      const unwritable = path.join(dir, 'no-such-directory', 'cache');
      const run = node([launcher, 'all', '0'], { ...debug, SYNTH_CODE_CACHE: unwritable });
      expect(run).toMatchObject({ code: 0, stdout: expected.stdout });
      expect(run.stderr).toMatch(new RegExp(`^to stderr\\ncode cache ${unwritable}: missing, not written: ENOENT`));
    });
  });
});

test(
  'the synth bundle: the same output and files as node .build/main.js, with the cache written and then used',
  () => {
    // npm run synth's first step: builds the bundle, or finds it fresh.
    expect(node([path.join(ROOT, 'scripts', 'build.js')])).toEqual({ code: 0, stdout: '', stderr: '' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-bundle-synth-'));
    try {
      // What test/support/app.ts's onlyBlueprints([]) writes: every blueprint off, so only state-bootstrap.
      const example = fs.readFileSync(path.join(ROOT, 'config', 'example.yaml'), 'utf8');
      const stateOnly = path.join(dir, 'state-only.yaml');
      fs.writeFileSync(
        stateOnly,
        example.replace(/^(\w+):\n {2}enabled: true$/gm, (whole, section: string) =>
          section === 'stateBootstrap' ? whole : `${section}:\n  enabled: false`,
        ),
      );
      const cacheFile = path.join(dir, 'main.js.v8-cache');
      /** A synth into `<dir>/<outName>`; the app prints where it wrote each stack, here always as <outdir>. */
      const synth = (script: string, outName: string, env: NodeJS.ProcessEnv = {}) => {
        const outdir = path.join(dir, outName);
        const run = node([script, '--config', stateOnly], { CDKTF_OUTDIR: outdir, SYNTH_CODE_CACHE: cacheFile, ...env });
        return { ...run, stdout: run.stdout.split(path.relative(ROOT, outdir)).join('<outdir>') };
      };

      // Built as the launcher compiles it fastest: a function, then its call.
      const bundleText = fs.readFileSync(path.join(ROOT, '.build', 'main.js'), 'latin1');
      expect(bundleText.startsWith('(function (exports, require, module, __filename, __dirname) {\n"use strict";')).toBe(true);
      expect(bundleText.endsWith('\n}).call(this, exports, require, module, __filename, __dirname);\n')).toBe(true);

      const plain = synth(path.join(ROOT, '.build', 'main.js'), 'plain');
      expect(plain).toMatchObject({ code: 0, stderr: '' });
      expect(plain.stdout).toContain('state-bootstrap    3 resources  <outdir>/stacks/state-bootstrap/cdk.tf.json');

      expect(synth(LAUNCHER, 'launched')).toEqual(plain);
      const files = (outName: string) => {
        const root = path.join(dir, outName);
        const names = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();
        return names.map((name) => [name, fs.statSync(path.join(root, name)).isFile() ? fs.readFileSync(path.join(root, name), 'utf8') : 'dir']);
      };
      expect(files('launched')).toEqual(files('plain'));
      expect(fs.statSync(cacheFile).size).toBeGreaterThan(1_000_000);
      // The next run uses it (--help: the cache is the synth's, and a run that needs less code keeps it).
      const help = node([LAUNCHER, '--help'], { ...debug, SYNTH_CODE_CACHE: cacheFile });
      expect(help).toMatchObject({ code: 0, stderr: cacheLine(cacheFile, 'accepted') });
      expect(help.stdout).toMatch(/^usage: npm run synth/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  TIMEOUT_MS,
);
