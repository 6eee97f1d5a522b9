/**
 * Tests run through ts-jest, transpile-only (tsconfig sets isolatedModules): `npm run lint` type-checks
 * with tsc, so the suite does not pay for it twice.
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 60000,
  // fast-check: a failed property prints its replay command (FC_SEED, FC_PATH); docs/development.md.
  setupFiles: ["<rootDir>/tests/helpers/properties.ts"],
  // Jest's default is one worker fewer than the cores: one on the 2-core CI machine. Two keep both
  // cores busy while the netns and mocked-program suites wait on I/O and timers.
  maxWorkers: 2,
};
