import { pointsToEarn } from './points-earning';

describe('pointsToEarn', () => {
  const base = { pointsPerYuan: 1, tierMultiplierPct: 100, memberDayMultiplierPct: 100 };

  it('gives a point per whole yuan, dropping fen', () => {
    expect(pointsToEarn({ ...base, paidFen: 12_999 })).toBe(129);
    expect(pointsToEarn({ ...base, paidFen: 99 })).toBe(0);
  });

  it('applies the tier and member-day multipliers, rounding down once', () => {
    expect(pointsToEarn({ ...base, paidFen: 10_050, tierMultiplierPct: 120 })).toBe(120);
    expect(pointsToEarn({ ...base, paidFen: 1_050, tierMultiplierPct: 150 })).toBe(15);
    expect(
      pointsToEarn({
        ...base,
        paidFen: 1_150,
        tierMultiplierPct: 150,
        memberDayMultiplierPct: 200,
      }),
    ).toBe(33);
  });

  it('multiplies the yuan paid by the rate before rounding down, as DESIGN section 6 has it', () => {
    // ¥12.50 at 2 points a yuan: 25, not 2 x ¥12.
    expect(pointsToEarn({ ...base, paidFen: 1_250, pointsPerYuan: 2 })).toBe(25);
    expect(pointsToEarn({ ...base, paidFen: 1_249, pointsPerYuan: 2 })).toBe(24);
    expect(pointsToEarn({ ...base, paidFen: 49, pointsPerYuan: 3 })).toBe(1);
  });

  it('refuses fractional or negative input', () => {
    expect(() => pointsToEarn({ ...base, paidFen: 10.5 })).toThrow(RangeError);
    expect(() => pointsToEarn({ ...base, paidFen: -1 })).toThrow(RangeError);
  });
});
