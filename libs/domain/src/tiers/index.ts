export * from './tier-evaluation';
export * from './tier-rules';
