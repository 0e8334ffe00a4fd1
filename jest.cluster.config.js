/**
 * The cluster tier (`npm run test:cluster`): tests that need a real API server, taken from
 * KUBECONFIG. `npm test` never runs them (jest.config.js ignores test/cluster/); CI has no cluster.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.cluster.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  globalSetup: '<rootDir>/test/cluster/require-cluster.ts',
  // One API server shared by every file: no parallel applies to the same objects.
  maxWorkers: 1,
  testTimeout: 300000,
};
