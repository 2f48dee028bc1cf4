/** Transpile-only (tsconfig isolatedModules): `npm run typecheck` does the type-checking once. */
module.exports = {
  testEnvironment: 'node',
  // Two workers on two cores: the same wall time as one (most files wait on the processes they spawn), and no
  // process holds every file's modules: largest process 760 MB instead of 1 GB.
  maxWorkers: 2,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
