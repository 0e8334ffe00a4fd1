/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Needs a real API server: `npm run test:cluster` (jest.cluster.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  // Type checking is `tsc --noEmit` in `npm test`; ts-jest only transpiles, which keeps jest fast.
  testTimeout: 60000,
};
