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
};
