export * from './error-code';
export * from './member-tier';
export * from './money';
export * from './invite-code';
export * from './order-quantity';
