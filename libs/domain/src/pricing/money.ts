/** a x numerator / denominator in integers, rounded half up (away from zero for positives). */
export function mulDivHalfUp(a: number, numerator: number, denominator: number): number {
  if (
    ![a, numerator, denominator].every(Number.isSafeInteger) ||
    denominator <= 0 ||
    a < 0 ||
    numerator < 0
  ) {
    throw new RangeError('mulDivHalfUp takes non-negative integers and a positive denominator');
  }
  const product = a * numerator;
  if (!Number.isSafeInteger(product)) throw new RangeError('amount too large');
  return Math.floor((2 * product + denominator) / (2 * denominator));
}

/**
 * Splits `total` over `weights` in proportion, in whole units that add up exactly to `total`
 * (largest remainder; ties go to the earlier weight). The total may be more than the weights
 * add up to, as when points are split by fen.
 */
export function splitProRata(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0)
    throw new RangeError('total must be a non-negative integer');
  const sum = weights.reduce((s, w) => s + w, 0);
  if (total === 0 || sum === 0) return weights.map(() => 0);
  if (!Number.isSafeInteger(total * sum)) throw new RangeError('amount too large');
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - shares.reduce((s, x) => s + x, 0);
  const byRemainder = weights
    .map((w, i) => ({ i, remainder: (total * w) % sum }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    shares[i] += 1;
    left -= 1;
  }
  return shares;
}

/**
 * Spreads an amount over the amounts it comes off, in proportion (splitProRata): no share is
 * more than its weight, so a total above the weights is refused.
 */
export function allocateProRata(total: number, weights: readonly number[]): number[] {
  if (total > weights.reduce((s, w) => s + w, 0))
    throw new RangeError('cannot allocate more than the weights hold');
  return splitProRata(total, weights);
}
