export * from './pickup-code';
export * from './refund-plan';
