/**
 * `node scripts/run-bundle.js [args]`: runs the synth bundle (.build/main.js, from scripts/build.js) as
 * `node .build/main.js [args]` would - same arguments, output and exit code - but with a V8 code cache, so the 7 MB
 * bundle is not parsed and compiled again on every synth (a fifth of a synth without it). The files beside the bundle
 * that it requires at run time (.build/istio-validators.js, 600 kB of generated validators) get one too.
 *
 * A cache (.build/<file>.v8-cache; $SYNTH_CODE_CACHE for the bundle's, the others beside it) is written when the
 * process exits, after the synth, so it holds the functions that were compiled lazily during the run too. It is
 * written when there was none or it did not fit (another version of the file, another Node, unreadable, or V8 rejected
 * it), and when this run needed clearly more code than the run that wrote the bundle's cache (a state-only config or a
 * config error first), through a temporary file and a rename. Its first line records which file it is for and a hash
 * of the cached bytes: release builds of V8 do not checksum code caches, and corrupt bytes must cost a rewrite, not a
 * crash. SYNTH_CODE_CACHE_DEBUG=1 prints what became of each cache on stderr when the process exits.
 *
 * npm run synth starts it with two V8 flags for a process that lives about a second: --max-semi-space-size=4 keeps
 * the young generation small, so it reuses the same pages instead of faulting in new ones (a third fewer page faults,
 * 130 -> 95 MB peak), and --no-opt skips TurboFan, whose background compiles do not pay off before the process ends
 * (a fifth less CPU). On this 2-core VM: full synth of config/example.yaml about 8% less wall time. V8 rejects a
 * cache made under other flags, so running this script without them writes the caches anew (and back again).
 */
const { isAscii } = require('node:buffer');
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');

const BUNDLE = path.join(__dirname, '..', '.build', 'main.js');
const BUILD_DIR = path.dirname(BUNDLE);
const CACHE = process.env.SYNTH_CODE_CACHE || `${BUNDLE}.v8-cache`;
const DEBUG = process.env.SYNTH_CODE_CACHE_DEBUG === '1';
/** A run that ends with this much more bytecode than the run that wrote the bundle's cache writes the caches again. */
const GROWTH_TO_REWRITE = 1.1;

/**
 * scripts/build.js writes the bundle as a function and its call, `(function (exports, require, ...) {...})` then
 * CALL_SUFFIX, which node runs like any file. Here the call is cut off (a slice, not a copy) and the function is
 * compiled as it is; other files are wrapped by Module.wrap, which V8 then copies into one string.
 */
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {';
const CALL_SUFFIX = '.call(this, exports, require, module, __filename, __dirname);\n';

/**
 * One buffer for a file's bytes and then its cache's: memory the process has not touched yet costs a page fault per
 * 4 KiB, which on a small VM is most of what reading megabytes costs.
 */
let scratch = Buffer.alloc(0);

/** The first `size` bytes of the file open as `fd`, in the scratch buffer (valid until the next read). */
function readWhole(fd, size) {
  let read = 0;
  while (read < size) {
    const n = fs.readSync(fd, scratch, read, size - read, read);
    if (n === 0) break;
    read += n;
  }
  return scratch.subarray(0, read);
}

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');

/** The cached bytes if the file open as `fd` is a whole cache made for `expected`; otherwise why not. */
function readCache(fd, size, expected) {
  if (fd === undefined) return { state: 'missing' };
  let file;
  try {
    file = readWhole(fd, size);
  } catch {
    return { state: 'unreadable' };
  }
  const newline = file.indexOf(0x0a);
  let header;
  try {
    header = JSON.parse(file.subarray(0, Math.max(newline, 0)).toString('utf8'));
  } catch {
    return { state: 'unreadable' };
  }
  if (newline < 0 || typeof header !== 'object' || header === null) return { state: 'unreadable' };
  if (JSON.stringify(header.for) !== expected) return { state: 'stale' };
  const data = file.subarray(newline + 1);
  if (header.sha256 !== sha256(data)) return { state: 'corrupt' };
  return { state: 'accepted', data, bytecode: header.bytecode };
}

/**
 * Compiles `file` with the code cache in `cacheFile`: the script, and what to write at exit. The file's version
 * (device, inode, size, mtime) comes from the open descriptor: a rebuild renames a new file into place.
 */
function compileCached(file, cacheFile) {
  const fd = fs.openSync(file, 'r');
  let cacheFd;
  try {
    try {
      cacheFd = fs.openSync(cacheFile, 'r');
    } catch {
      // No cache yet (or not readable): compiled without one, and written at exit.
    }
    const { dev, ino, size, mtimeMs } = fs.fstatSync(fd);
    const cacheSize = cacheFd === undefined ? 0 : fs.fstatSync(cacheFd).size;
    if (scratch.length < Math.max(size, cacheSize)) scratch = Buffer.allocUnsafe(Math.max(size, cacheSize));
    const bytes = readWhole(fd, size);
    // esbuild writes ASCII (charset: 'ascii'): as Latin-1 it decodes by a plain copy.
    const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
    const wrapped = source.startsWith(WRAPPER_START) && source.endsWith(CALL_SUFFIX);
    const expected = JSON.stringify({ file: { dev, ino, size, mtimeMs }, node: process.version, arch: process.arch });
    const cache = readCache(cacheFd, cacheSize, expected);
    // A function of exports, require, module, __filename and __dirname, called as node's own loader would.
    const code = wrapped ? source.slice(0, -CALL_SUFFIX.length) : Module.wrap(source);
    const script = new vm.Script(code, { filename: file, cachedData: cache.data });
    if (cache.data && script.cachedDataRejected) cache.state = 'rejected by V8';
    cache.data = undefined;
    return { script, cache, expected, cacheFile };
  } finally {
    fs.closeSync(fd);
    if (cacheFd !== undefined) fs.closeSync(cacheFd);
  }
}

function writeCache({ script, expected, cacheFile }, bytecode) {
  const data = script.createCachedData();
  const temp = `${cacheFile}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    const header = Buffer.from(`${JSON.stringify({ for: JSON.parse(expected), sha256: sha256(data), bytecode })}\n`);
    fs.writeFileSync(temp, Buffer.concat([header, data]));
    fs.renameSync(temp, cacheFile);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** Runs `file`'s compiled function as node's loader runs a module. */
function run(script, file, module, exports) {
  script.runInThisContext().call(exports, exports, Module.createRequire(file), module, file, path.dirname(file));
}

const bundle = compileCached(BUNDLE, CACHE);
scratch = Buffer.alloc(0);
/** The caches of this run: the bundle's first, then those of the files beside it that it required. */
const compiled = [bundle];

process.on('exit', () => {
  // How much bytecode this run needed: a cache made by a smaller run (a state-only config, a config error) is
  // replaced by one from a run that needed more, so the caches grow to what the largest synth uses.
  const bytecode = v8.getHeapCodeStatistics().bytecode_and_metadata_size;
  const grown = bundle.cache.state === 'accepted' && !(bytecode <= bundle.cache.bytecode * GROWTH_TO_REWRITE);
  for (const entry of compiled) {
    let state = entry.cache.state;
    if (state === 'accepted' && grown) state = 'accepted from a smaller run';
    if (state === 'accepted') {
      if (DEBUG) process.stderr.write(`code cache ${entry.cacheFile}: accepted\n`);
      continue;
    }
    try {
      writeCache(entry, bytecode);
      if (DEBUG) process.stderr.write(`code cache ${entry.cacheFile}: ${state}, written\n`);
    } catch (error) {
      // The synth's result stands without a cache; the next run tries again.
      if (DEBUG) process.stderr.write(`code cache ${entry.cacheFile}: ${state}, not written: ${error.message}\n`);
    }
  }
});

// Files beside the bundle that it requires (the Istio validators) are compiled with caches of their own.
const loadJs = Module._extensions['.js'];
Module._extensions['.js'] = function (module, filename) {
  if (path.dirname(filename) !== BUILD_DIR) return loadJs.call(this, module, filename);
  const entry = compileCached(filename, path.join(path.dirname(CACHE), `${path.basename(filename)}.v8-cache`));
  scratch = Buffer.alloc(0);
  compiled.push(entry);
  run(entry.script, filename, module, module.exports);
};

// As `node .build/main.js` would have it: the bundle's path is process.argv[1], its requires resolve from .build/.
const bundleModule = new Module(BUNDLE, null);
bundleModule.filename = BUNDLE;
bundleModule.paths = Module._nodeModulePaths(BUILD_DIR);
process.argv[1] = BUNDLE;
run(bundle.script, BUNDLE, bundleModule, bundleModule.exports);
bundleModule.loaded = true;
