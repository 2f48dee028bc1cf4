/**
 * `node scripts/build.js [--verbose]`: bundles main.ts and everything it imports, dependencies included, into one
 * file, .build/main.js, which scripts/run-bundle.js runs with a V8 code cache (`npm run synth`). --verbose says what
 * it did and why; tests build another entry point elsewhere with `--entry <file> --outdir <dir>`.
 *
 * Why one file: a synth loads about 30 MB of JavaScript from some 700 files (the provider structs are megabytes each),
 * and reading and compiling them was a third of its time. One file compiles once and its code cache covers all of it.
 *
 * The build is skipped when the bundle is fresh: every input esbuild listed in the last build's metafile is no newer
 * than the bundle, and the key (build options, esbuild version, tsconfig.json, the installed package versions and this
 * script) is unchanged. npm installs files with a fixed old mtime, hence the installed versions in the key. The bundle
 * gets the build's start time as its mtime, so a file saved during a build makes the next one run. Files are written
 * to a temporary name and renamed, as synths may run concurrently. Prints nothing unless it fails or warns.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const USAGE = 'usage: node scripts/build.js [--verbose] [--entry <file>] [--outdir <dir>]';

/**
 * Required at run time from their own folders, not bundled: the HCL formatters load WebAssembly that sits beside
 * them (lib/app/hcl-format.ts), and the Istio models are required by a computed path (lib/k8s/istio.ts).
 */
const EXTERNAL = ['@cdktf/hcl-tools', '@cdktf/hcl2json', '@kubernetes-models/istio'];

/** Where lib/k8s/istio.ts finds the precompiled Istio validators and their compiler, relative to the bundle. */
const ISTIO_VALIDATORS = { module: './istio-validators.js', compiler: '../scripts/istio-validators.js' };

/**
 * The bundle is a function of node's module variables and its call: node runs it as any file, and
 * scripts/run-bundle.js compiles the function alone (the same text without the `.call(...)` after it) with its cache.
 */
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_END = '}).call(this, exports, require, module, __filename, __dirname);';

/** Files esbuild reads without listing them as inputs, or that change what installed files contain. */
const KEY_FILES = ['tsconfig.json', 'node_modules/.package-lock.json', __filename];

/** The bundle, its metafile, the freshness stamp and the code cache scripts/run-bundle.js keeps beside it. */
function outputs(outdir) {
  const bundle = path.join(outdir, 'main.js');
  return { bundle, metafile: `${bundle}.meta.json`, stamp: `${bundle}.stamp.json`, codeCache: `${bundle}.v8-cache` };
}

/** esbuild's options (`outfile` is where the bundle ends up; esbuild writes it under a temporary name). */
function buildOptions(entry, bundle) {
  return {
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    external: EXTERNAL,
    define: { ISTIO_VALIDATORS: JSON.stringify(ISTIO_VALIDATORS) },
    banner: { js: WRAPPER_START },
    footer: { js: WRAPPER_END },
    logLevel: 'warning',
    metafile: true,
  };
}

function sha256(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** What the bundle depends on besides its inputs' mtimes. */
function buildKey(options) {
  const esbuildVersion = JSON.parse(fs.readFileSync(require.resolve('esbuild/package.json', { paths: [ROOT] }), 'utf8')).version;
  const files = KEY_FILES.map((file) => {
    const absolute = path.resolve(ROOT, file);
    return [path.relative(ROOT, absolute), fs.existsSync(absolute) ? sha256(fs.readFileSync(absolute)) : null];
  });
  return sha256(JSON.stringify({ options, esbuildVersion, files }));
}

/** Inputs of a metafile that are files (not `<define:...>` or another plugin namespace), relative to ROOT. */
function fileInputs(metafile) {
  return Object.keys(metafile.inputs).filter((input) => !input.startsWith('<') && !/^[\w-]+:/.test(input));
}

/** Why the bundle must be built, or undefined when it is fresh. */
function staleReason(out, key) {
  let stamp;
  let bundleMtime;
  try {
    stamp = JSON.parse(fs.readFileSync(out.stamp, 'utf8'));
    bundleMtime = fs.statSync(out.bundle).mtimeMs;
  } catch {
    return 'no previous build';
  }
  if (stamp.key !== key) return 'build options or installed packages changed';
  if (!Array.isArray(stamp.inputs)) return 'no inputs recorded';
  for (const input of stamp.inputs) {
    let mtime;
    try {
      mtime = fs.statSync(path.resolve(ROOT, input)).mtimeMs;
    } catch {
      return `${input} is gone`;
    }
    if (mtime > bundleMtime) return `${input} changed`;
  }
  return undefined;
}

const tempName = (file) => `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;

/** Puts the file `write(temp)` writes in place with a rename: readers see the old file or the new one, whole. */
async function replaceAtomically(file, write) {
  const temp = tempName(file);
  try {
    await write(temp);
    fs.renameSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

async function build(out, options, key) {
  const started = Date.now();
  const esbuild = require('esbuild');
  fs.mkdirSync(path.dirname(out.bundle), { recursive: true });
  let metafile;
  await replaceAtomically(out.bundle, async (temp) => {
    // esbuild writes the bundle itself (nothing to pass back from its process); only the metafile comes back.
    ({ metafile } = await esbuild.build({ ...options, outfile: temp }));
    // The bundle's mtime is when the build started: inputs saved since then are newer, and the next run rebuilds.
    fs.utimesSync(temp, started / 1000, started / 1000);
  });
  await replaceAtomically(out.metafile, (temp) => fs.writeFileSync(temp, JSON.stringify(metafile)));
  // scripts/run-bundle.js would reject the old cache anyway (it records which bundle it is for); don't keep it.
  fs.rmSync(out.codeCache, { force: true });
  // Last: a stamp is only ever next to a bundle built from the inputs it lists.
  await replaceAtomically(out.stamp, (temp) => fs.writeFileSync(temp, JSON.stringify({ key, inputs: fileInputs(metafile) })));
}

async function main(argv) {
  let entry = 'main.ts';
  let outdir = path.join(ROOT, '.build');
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--entry' && argv[i + 1] !== undefined) entry = path.resolve(argv[++i]);
    else if (argv[i] === '--outdir' && argv[i + 1] !== undefined) outdir = path.resolve(argv[++i]);
    else if (argv[i] === '--verbose') verbose = true;
    else {
      console.error(`build: unknown argument ${argv[i]}\n${USAGE}`);
      return 2;
    }
  }
  const out = outputs(outdir);
  const options = buildOptions(entry, out.bundle);
  const key = buildKey(options);
  const reason = staleReason(out, key);
  if (reason === undefined) {
    if (verbose) console.log(`build: ${path.relative(process.cwd(), out.bundle)} is fresh`);
    return 0;
  }
  const started = process.hrtime.bigint();
  try {
    await build(out, options, key);
  } catch (error) {
    // esbuild has already printed its errors; they are in error.errors.
    if (!error.errors) console.error(error);
    console.error(`build: bundling ${path.relative(ROOT, path.resolve(ROOT, entry))} failed (${reason})`);
    return 1;
  }
  if (verbose) {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`build: built ${path.relative(process.cwd(), out.bundle)} in ${seconds.toFixed(1)} s (${reason})`);
  }
  return 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
