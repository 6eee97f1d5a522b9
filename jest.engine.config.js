/**
 * The engine lane (`npm run test:engine`, scripts/test-engine.sh): the real pulumi CLI built by
 * scripts/engine.sh, against the XO simulator. Not part of `npm test`.
 */
module.exports = {
  rootDir: ".",
  testEnvironment: "node",
  roots: ["<rootDir>/tests/engine"],
  testMatch: ["**/*.engine.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 600000,
  maxWorkers: 1,
};
