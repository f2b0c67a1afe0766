/** How far the BFF's clock is ahead of this device's, as its last answer told. */
let aheadMs = 0;

/**
 * Notes the BFF's time an answer carried. Its Date header counts whole seconds: the middle of
 * that second is nearest on average.
 */
export function heardServerTime(at: Date): void {
  aheadMs = at.getTime() + 500 - Date.now();
}

/**
 * Now by the BFF's clock: deadlines it sets (paying, cancelling, after-sales) are judged by it,
 * not by a device clock that may be minutes off.
 */
export function serverNow(): number {
  return Date.now() + aheadMs;
}
