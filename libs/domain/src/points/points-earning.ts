export interface EarnInput {
  /** Amount paid, in fen. */
  paidFen: number;
  /** Points per yuan paid: a part of a yuan earns its part, rounded down with the rest. */
  pointsPerYuan: number;
  /** Tier multiplier in percent: 100 = x1.0, 150 = x1.5. */
  tierMultiplierPct: number;
  /** Member-day multiplier in percent; 100 on other days. */
  memberDayMultiplierPct: number;
}

/**
 * Points earned by a payment: floor(paid yuan x rate) x tier multiplier x member-day
 * multiplier, rounded down once at the end. Integer arithmetic throughout.
 */
export function pointsToEarn({
  paidFen,
  pointsPerYuan,
  tierMultiplierPct,
  memberDayMultiplierPct,
}: EarnInput): number {
  for (const [name, value] of Object.entries({
    paidFen,
    pointsPerYuan,
    tierMultiplierPct,
    memberDayMultiplierPct,
  })) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`${name} must be a non-negative integer`);
  }
  const base = Math.floor((paidFen * pointsPerYuan) / 100);
  return Math.floor((base * tierMultiplierPct * memberDayMultiplierPct) / 10_000);
}
