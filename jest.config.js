/** Type errors are caught by `tsc --noEmit` (run first by `npm test`); jest only transpiles. */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  testTimeout: 20000,
  // Both cores: jest would otherwise leave one idle on a 2-core machine.
  maxWorkers: 2,
  globalSetup: "<rootDir>/tests/support/globalSetup.js",
  setupFilesAfterEnv: ["<rootDir>/tests/support/setup.ts"],
  reporters: ["default", "<rootDir>/tests/support/summaryReporter.js"],
};
