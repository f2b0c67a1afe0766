export * from './business-time';
export * from './engagement';
export * from './fulfilment';
export * from './insight';
export * from './orders';
export * from './points';
export * from './pricing';
export * from './tiers';
