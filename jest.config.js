/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  // Type checking is `tsc --noEmit` in `npm test`; ts-jest only transpiles, which keeps jest fast.
  testTimeout: 60000,
};
