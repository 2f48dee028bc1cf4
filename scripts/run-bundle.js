/**
 * `node scripts/run-bundle.js [args]`: runs the synth bundle (.build/main.js, from scripts/build.js) as
 * `node .build/main.js [args]` would - same arguments, output and exit code - but with a V8 code cache, so the 7 MB
 * bundle is not parsed and compiled again on every synth (a fifth of a synth without it).
 *
 * The cache (.build/main.js.v8-cache, or $SYNTH_CODE_CACHE) is written when the process exits, after the synth, so it
 * holds the functions that were compiled lazily during the run too. It is written when there was none or it did not
 * fit (another bundle, another Node, unreadable, or V8 rejected it), and when this run needed clearly more code than
 * the run that wrote it (a state-only config or a config error first), through a temporary file and a rename. Its
 * first line records which bundle it is for and a hash of the cached bytes: release builds of V8 do not checksum code
 * caches, and corrupt bytes must cost a rewrite, not a crash. SYNTH_CODE_CACHE_DEBUG=1 prints what became of the
 * cache on stderr when the process exits.
 *
 * npm run synth starts it with two V8 flags for a process that lives about a second: --max-semi-space-size=4 keeps
 * the young generation small, so it reuses the same pages instead of faulting in new ones (a third fewer page faults,
 * 130 -> 95 MB peak), and --no-opt skips TurboFan, whose background compiles do not pay off before the process ends
 * (a fifth less CPU). On this 2-core VM: full synth of config/example.yaml about 8% less wall time. V8 rejects a
 * cache made under other flags, so running this script without them writes the cache anew (and back again).
 */
const { isAscii } = require('node:buffer');
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');

const BUNDLE = path.join(__dirname, '..', '.build', 'main.js');
const CACHE = process.env.SYNTH_CODE_CACHE || `${BUNDLE}.v8-cache`;
const DEBUG = process.env.SYNTH_CODE_CACHE_DEBUG === '1';
/** A run that ends with this much more bytecode than the run that wrote the cache writes it again. */
const GROWTH_TO_REWRITE = 1.1;

/**
 * scripts/build.js writes the bundle as a function and its call, `(function (exports, require, ...) {...})` then
 * CALL_SUFFIX, which node runs like any file. Here the call is cut off (a slice, not a copy) and the function is
 * compiled as it is; a bundle without it is wrapped by Module.wrap, which V8 then copies into one 7 MB string.
 */
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {';
const CALL_SUFFIX = '.call(this, exports, require, module, __filename, __dirname);\n';

/**
 * One buffer for the bundle's bytes and then the cache's: memory the process has not touched yet costs a page fault
 * per 4 KiB, which on a small VM is most of what reading megabytes costs.
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

/** Opens the bundle and the cache file (if any), and sizes the scratch buffer for the larger. */
function openFiles() {
  const bundleFd = fs.openSync(BUNDLE, 'r');
  let cacheFd;
  try {
    cacheFd = fs.openSync(CACHE, 'r');
  } catch {
    // No cache yet (or not readable): compiled without one, and written at exit.
  }
  const bundleStat = fs.fstatSync(bundleFd);
  const cacheSize = cacheFd === undefined ? 0 : fs.fstatSync(cacheFd).size;
  scratch = Buffer.allocUnsafe(Math.max(bundleStat.size, cacheSize));
  return { bundleFd, bundleStat, cacheFd, cacheSize };
}

/** The code to compile and what identifies this version of the bundle (a rebuild renames a new file into place). */
function readBundle(fd, { ino, size, mtimeMs }) {
  const bytes = readWhole(fd, size);
  // esbuild writes ASCII (charset: 'ascii'): as Latin-1 it decodes by a plain copy.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const wrapped = source.startsWith(WRAPPER_START) && source.endsWith(CALL_SUFFIX);
  return { code: wrapped ? source.slice(0, -CALL_SUFFIX.length) : Module.wrap(source), identity: { ino, size, mtimeMs } };
}

/** What a cache must have been made for: this bundle, this Node on this machine. */
function cacheFor(identity) {
  return JSON.stringify({ bundle: identity, node: process.version, arch: process.arch });
}

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');

/** The cached bytes if the file is a whole cache for `expected`; otherwise why not. */
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
  if (JSON.stringify(header.for) !== expected) return { state: 'for another bundle' };
  const data = file.subarray(newline + 1);
  if (header.sha256 !== sha256(data)) return { state: 'corrupt' };
  return { state: 'accepted', data, bytecode: header.bytecode };
}

function writeCache(expected, data, bytecode) {
  const temp = `${CACHE}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    const header = Buffer.from(`${JSON.stringify({ for: JSON.parse(expected), sha256: sha256(data), bytecode })}\n`);
    fs.writeFileSync(temp, Buffer.concat([header, data]));
    fs.renameSync(temp, CACHE);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

const files = openFiles();
const { code, identity } = readBundle(files.bundleFd, files.bundleStat);
const expected = cacheFor(identity);
const cache = readCache(files.cacheFd, files.cacheSize, expected);
for (const fd of [files.bundleFd, files.cacheFd]) if (fd !== undefined) fs.closeSync(fd);
// A function of exports, require, module, __filename and __dirname, called below as node's own loader would.
const script = new vm.Script(code, { filename: BUNDLE, cachedData: cache.data });
if (cache.data && script.cachedDataRejected) cache.state = 'rejected by V8';
cache.data = undefined;
scratch = undefined;

process.on('exit', () => {
  // How much bytecode this run needed: a cache made by a smaller run (a state-only config, a config error) is
  // replaced by one from a run that needed more, so the cache grows to what the largest synth uses.
  const bytecode = v8.getHeapCodeStatistics().bytecode_and_metadata_size;
  if (cache.state === 'accepted') {
    if (bytecode <= cache.bytecode * GROWTH_TO_REWRITE) {
      if (DEBUG) process.stderr.write(`code cache ${CACHE}: accepted\n`);
      return;
    }
    cache.state = 'accepted from a smaller run';
  }
  try {
    writeCache(expected, script.createCachedData(), bytecode);
    if (DEBUG) process.stderr.write(`code cache ${CACHE}: ${cache.state}, written\n`);
  } catch (error) {
    // The synth's result stands without a cache; the next run tries again.
    if (DEBUG) process.stderr.write(`code cache ${CACHE}: ${cache.state}, not written: ${error.message}\n`);
  }
});

// As `node .build/main.js` would have it: the bundle's path is process.argv[1], its requires resolve from .build/.
const bundleModule = new Module(BUNDLE, null);
bundleModule.filename = BUNDLE;
bundleModule.paths = Module._nodeModulePaths(path.dirname(BUNDLE));
process.argv[1] = BUNDLE;
const bundleRequire = Module.createRequire(BUNDLE);
script.runInThisContext().call(bundleModule.exports, bundleModule.exports, bundleRequire, bundleModule, BUNDLE, path.dirname(BUNDLE));
bundleModule.loaded = true;
