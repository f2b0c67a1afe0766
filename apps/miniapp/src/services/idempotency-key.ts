/**
 * One key per user action: the BFF does a keyed request once, so a retried submit (a double
 * tap, a dropped connection) can never order, refund or withdraw twice.
 */
export function newIdempotencyKey(): string {
  return `mp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
