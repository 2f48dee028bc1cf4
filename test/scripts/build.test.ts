import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * scripts/build.js on a two-file entry point in a scratch directory (bundling main.ts takes seconds; the freshness
 * rules are the same), and on the real one, which npm run synth builds anyway.
 */
const ROOT = path.join(__dirname, '..', '..');
const BUILD = path.join(ROOT, 'scripts', 'build.js');
const REAL_BUILD_TIMEOUT_MS = 60_000;

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
  // An input older than the bundle, however it got there (git checkout, npm install), does not count.
  setMtime(dep, new Date(Date.now() - 60_000));
  expect(verboseBuild()).toMatch(/is fresh\n$/);

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

test(
  'the synth bundle: built (or found fresh) silently, then fresh, without the packages loaded from their own folders',
  () => {
    const real = (...args: string[]) => {
      const result = spawnSync(process.execPath, [BUILD, ...args], { cwd: ROOT, encoding: 'utf8' });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    };
    expect(real()).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(real('--verbose')).toEqual({ code: 0, stdout: 'build: .build/main.js is fresh\n', stderr: '' });
    const { inputs } = JSON.parse(fs.readFileSync(path.join(ROOT, '.build', 'main.js.stamp.json'), 'utf8')) as { inputs: string[] };
    expect(inputs).toContain('main.ts');
    // Loaded at run time from their own folders, not bundled.
    expect(inputs.filter((input) => /@cdktf\/hcl|@kubernetes-models\/istio\//.test(input))).toEqual([]);
  },
  REAL_BUILD_TIMEOUT_MS,
);
