/** A pickup code: 8 digits, leading zeros allowed. */
export const PICKUP_CODE_PATTERN = /^\d{8}$/;

/** Draws a pickup code from `randomInt` (e.g. node:crypto's), uniform over 00000000-99999999. */
export function drawPickupCode(randomInt: (maxExclusive: number) => number): string {
  return String(randomInt(100_000_000)).padStart(8, '0');
}
