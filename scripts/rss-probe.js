// Preloaded by scripts/bench.ts: reports the process's peak resident set size (KiB) on exit.
process.on('exit', () => {
  process.stderr.write(`\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
