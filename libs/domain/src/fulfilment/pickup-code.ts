/** A pickup code: 8 digits, leading zeros allowed. */
export const PICKUP_CODE_PATTERN = /^\d{8}$/;

/**
 * Codes drawn for one order or goods redemption before giving up on a code that no open one of
 * its pickup point holds; with 10^8 codes a second try is already rare.
 */
export const PICKUP_CODE_TRIES = 5;

/** Draws a pickup code from `randomInt` (e.g. node:crypto's), uniform over 00000000-99999999. */
export function drawPickupCode(randomInt: (maxExclusive: number) => number): string {
  return String(randomInt(100_000_000)).padStart(8, '0');
}
