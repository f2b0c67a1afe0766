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

  it('refuses fractional or negative input', () => {
    expect(() => pointsToEarn({ ...base, paidFen: 10.5 })).toThrow(RangeError);
    expect(() => pointsToEarn({ ...base, paidFen: -1 })).toThrow(RangeError);
  });
});
