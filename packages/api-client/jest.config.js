const preset = require('../../jest.preset');

module.exports = {
  ...preset,
  displayName: 'api-client',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
