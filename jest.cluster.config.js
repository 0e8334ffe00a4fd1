/**
 * The cluster tier (`npm run test:cluster`, scripts/test-cluster.cjs): deploys to the cluster in
 * KUBECONFIG. Not part of `npm test` (no cluster in CI; jest.config.js ignores test/cluster/); its
 * files end in `.cluster.ts`, which the main config never matches.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.cluster.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  // Stops with one clear line when no API server answers at KUBECONFIG (never a quiet pass).
  globalSetup: '<rootDir>/test/cluster/require-cluster.ts',
  // One API server shared by every file: no parallel applies to the same objects.
  maxWorkers: 1,
  testTimeout: 900000,
};
