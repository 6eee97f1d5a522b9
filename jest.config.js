/** Tests run through SWC (transpile only); `npm run lint` type-checks with tsc. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  testTimeout: 60000,
};
