export * from './error-code';
export * from './member-tier';
