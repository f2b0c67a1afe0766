const preset = require('../../jest.preset');

/** Unit specs next to the code; e2e specs in test/ need a PostgreSQL (see test/support). */
module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...preset,
      displayName: 'bff-unit',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
    },
    {
      ...preset,
      displayName: 'bff-e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
    },
  ],
};
