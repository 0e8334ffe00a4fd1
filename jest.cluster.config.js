/**
 * The cluster tier (`npm run test:cluster`): deploys to the cluster in KUBECONFIG. Not part of
 * `npm test` (no cluster in CI); its files end in `.cluster.ts`, which the main config never matches.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.cluster.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  testTimeout: 900000,
  maxWorkers: 1,
};
