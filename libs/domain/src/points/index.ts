export * from './points-allocation';
export * from './points-earning';
export * from './points-expiry';
