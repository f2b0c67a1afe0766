export * from './check-in';
export * from './birthday';
