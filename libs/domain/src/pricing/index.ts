export * from './money';
export * from './quote';
