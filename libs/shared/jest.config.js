const preset = require('../../jest.preset');

module.exports = {
  ...preset,
  displayName: 'shared',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
