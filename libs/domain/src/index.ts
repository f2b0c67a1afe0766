export * from './business-time';
export * from './points';
export * from './tiers';
