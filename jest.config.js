// Two projects: fast pure unit tests, and integration tests that start their own local
// control plane (kube-apiserver + etcd) per test file. Integration files run one at a time
// (maxWorkers is set by the Makefile/CI) because each starts several processes.
const esm = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    // tsconfig sets isolatedModules, so ts-jest transpiles file by file; `npm run typecheck` type-checks once.
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testEnvironment: 'node',
};

export default {
  projects: [
    { displayName: 'unit', ...esm, testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      displayName: 'integration',
      ...esm,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
      // testTimeout is a global option in Jest, not a per-project one: set it in a setup file.
      setupFilesAfterEnv: ['<rootDir>/test/harness/jest-integration-setup.ts'],
    },
  ],
};
