const preset = require('../../jest.preset');

/** Browser journeys: need `dist/bff` and `dist/miniapp/h5` built, and Debian chromium. */
module.exports = {
  ...preset,
  displayName: 'miniapp-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 120000,
};
