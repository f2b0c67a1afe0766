export * from './business-time';
export * from './points';
