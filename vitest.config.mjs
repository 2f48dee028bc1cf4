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
    // Processes, not threads: tests change directory and spawn programs. Two on two cores. Files share a process's
    // modules (isolate: false): cdktf, the providers and zod load once per process, not once per file.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 2, isolate: false } },
  },
});
