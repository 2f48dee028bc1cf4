import { defineConfig } from 'vitest/config';

/**
 * A snapshot a test asks for but the snapshot file lacks fails the run (as `jest --ci` did) instead of being written
 * and passing; `vitest run -u` still writes and updates snapshots.
 */
const missingSnapshotsFail = {
  name: 'missing-snapshots-fail',
  configureVitest({ vitest }) {
    if (!vitest.config.update) vitest.config.snapshotOptions.updateSnapshot = 'none';
  },
};

export default defineConfig({
  plugins: [missingSnapshotsFail],
  test: {
    globals: true,
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Processes, not threads: a test changes the working directory, which a worker thread cannot. Two on two cores.
    // Files share a process's modules (isolate: false): cdktf, the providers and zod load once per process, not once
    // per file (jest's way: 39 s for the suite instead of 26 s on a 2-core VM).
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 2, isolate: false } },
  },
});
