import fc from 'fast-check';
import { allocateProRata, mulDivHalfUp, splitProRata } from './money';
import { quote, QuoteInput } from './quote';

describe('money arithmetic', () => {
  it('rounds half up to the fen', () => {
    expect(mulDivHalfUp(1999, 9800, 10_000)).toBe(1959); // 1959.02
    expect(mulDivHalfUp(1025, 9800, 10_000)).toBe(1005); // 1004.5 -> 1005
    expect(mulDivHalfUp(1075, 9800, 10_000)).toBe(1054); // 1053.5 -> 1054
    expect(mulDivHalfUp(0, 9800, 10_000)).toBe(0);
  });

  it('refuses fractions and negatives', () => {
    expect(() => mulDivHalfUp(1.5, 1, 1)).toThrow(RangeError);
    expect(() => mulDivHalfUp(-1, 1, 1)).toThrow(RangeError);
    expect(() => mulDivHalfUp(1, 1, 0)).toThrow(RangeError);
  });

  it('splits an amount pro rata into whole fen that add up exactly', () => {
    expect(allocateProRata(100, [100, 100, 100])).toEqual([34, 33, 33]);
    expect(allocateProRata(7, [300, 100])).toEqual([5, 2]);
    expect(allocateProRata(0, [5, 5])).toEqual([0, 0]);
    fc.assert(
      fc.property(
        fc.array(fc.nat(10_000), { minLength: 1, maxLength: 6 }),
        fc.nat(100_000),
        (weights, raw) => {
          const total = Math.min(
            raw,
            weights.reduce((s, w) => s + w, 0),
          );
          const shares = allocateProRata(total, weights);
          return (
            shares.reduce((s, x) => s + x, 0) === total &&
            shares.every((x, i) => x >= 0 && x <= weights[i])
          );
        },
      ),
    );
    expect(() => allocateProRata(11, [5, 5])).toThrow(RangeError);
  });

  it('splits a total larger than the weights in the same proportions', () => {
    expect(splitProRata(1_000, [300, 200])).toEqual([600, 400]);
    expect(splitProRata(1_201, [600, 400])).toEqual([721, 480]);
    fc.assert(
      fc.property(
        fc.array(fc.nat(10_000), { minLength: 1, maxLength: 6 }),
        fc.nat(10_000_000),
        (weights, total) => {
          const sum = weights.reduce((s, w) => s + w, 0);
          const shares = splitProRata(total, weights);
          if (sum === 0) return shares.every((x) => x === 0);
          // Each share is its exact proportion rounded down or up, and they add up to the total.
          return (
            shares.reduce((s, x) => s + x, 0) === total &&
            shares.every((x, i) => Math.abs(x - (total * weights[i]) / sum) < 1)
          );
        },
      ),
    );
  });
});

const base: QuoteInput = {
  lines: [
    {
      campaignId: 'c1',
      quantity: 2,
      unitPriceFen: 1_990,
      tierUnitPriceFen: null,
      tierDiscountApplies: true,
    },
  ],
  tierDiscountBps: 10_000,
  coupon: null,
  pointsRequested: 0,
  pointsAvailable: 0,
  redeemPointsPerYuan: 100,
  maxDeductionBps: 5_000,
  earn: { pointsPerYuan: 1, tierMultiplierPct: 100, memberDayMultiplierPct: 100 },
};

describe('checkout quote', () => {
  it('charges the campaign price for a regular member and earns a point per yuan', () => {
    expect(quote(base)).toMatchObject({
      subtotalFen: 3_980,
      tierDiscountFen: 0,
      payableFen: 3_980,
      pointsToEarn: 39,
    });
  });

  it('applies the tier discount per line, half up', () => {
    const q = quote({ ...base, tierDiscountBps: 9_800 });
    expect(q.lines[0]).toMatchObject({ listFen: 3_980, tierDiscountFen: 80, payableFen: 3_900 });
  });

  it("lets a campaign's tier price replace the tier discount", () => {
    const q = quote({
      ...base,
      tierDiscountBps: 9_500,
      lines: [{ ...base.lines[0], tierUnitPriceFen: 1_800 }],
    });
    expect(q.lines[0]).toMatchObject({ tierDiscountFen: 380, payableFen: 3_600 });
  });

  it('skips the tier discount where the campaign excludes it', () => {
    const q = quote({
      ...base,
      tierDiscountBps: 9_200,
      lines: [{ ...base.lines[0], tierDiscountApplies: false }],
    });
    expect(q.tierDiscountFen).toBe(0);
  });

  it('applies a fixed coupon above its minimum spend, only to the campaigns it names, spread over them', () => {
    const lines = [
      { ...base.lines[0], campaignId: 'a', quantity: 1, unitPriceFen: 3_000 },
      { ...base.lines[0], campaignId: 'b', quantity: 1, unitPriceFen: 1_000 },
      { ...base.lines[0], campaignId: 'c', quantity: 1, unitPriceFen: 5_000 },
    ];
    const coupon = {
      kind: 'fixed' as const,
      amountFen: 500,
      percentBps: 0,
      minSpendFen: 3_500,
      campaignIds: ['a', 'b'],
    };
    const q = quote({ ...base, lines, coupon });
    expect(q.coupon).toBe('applied');
    expect(q.lines.map((l) => l.couponDiscountFen)).toEqual([375, 125, 0]);
    expect(q.payableFen).toBe(8_500);
    expect(quote({ ...base, lines, coupon: { ...coupon, minSpendFen: 4_001 } })).toMatchObject({
      coupon: 'min_spend_not_met',
      couponDiscountFen: 0,
    });
    expect(quote({ ...base, lines, coupon: { ...coupon, campaignIds: ['z'] } }).coupon).toBe(
      'not_applicable',
    );
  });

  it('applies a percentage coupon half up, and never makes the order free', () => {
    const percent = {
      kind: 'percent' as const,
      amountFen: 0,
      percentBps: 1_250,
      minSpendFen: 0,
      campaignIds: null,
    };
    expect(quote({ ...base, coupon: percent }).couponDiscountFen).toBe(498); // 497.5
    const huge = {
      kind: 'fixed' as const,
      amountFen: 10_000,
      percentBps: 0,
      minSpendFen: 0,
      campaignIds: null,
    };
    expect(quote({ ...base, coupon: huge })).toMatchObject({
      couponDiscountFen: 3_979,
      payableFen: 1,
    });
  });

  it('deducts points at 100 a yuan up to half the payable amount, and no more than the member has', () => {
    expect(quote({ ...base, pointsRequested: 5_000, pointsAvailable: 5_000 })).toMatchObject({
      pointsUsed: 1_990,
      pointsDiscountFen: 1_990,
      payableFen: 1_990,
      pointsToEarn: 19,
    });
    expect(quote({ ...base, pointsRequested: 5_000, pointsAvailable: 300 })).toMatchObject({
      pointsUsed: 300,
      payableFen: 3_680,
    });
  });

  it('never lets points cover the whole order, even with a 99.99% cap', () => {
    const q = quote({
      ...base,
      maxDeductionBps: 9_999,
      pointsRequested: 1_000_000,
      pointsAvailable: 1_000_000,
    });
    expect(q.payableFen).toBeGreaterThanOrEqual(1);
  });

  it('uses only whole points at other rates and never more than asked', () => {
    const q = quote({
      ...base,
      redeemPointsPerYuan: 150,
      pointsRequested: 301,
      pointsAvailable: 301,
    });
    expect(q).toMatchObject({ pointsDiscountFen: 200, pointsUsed: 300 });
  });

  it('earns with the tier and member-day multipliers on what is paid', () => {
    const q = quote({
      ...base,
      earn: { pointsPerYuan: 1, tierMultiplierPct: 150, memberDayMultiplierPct: 200 },
    });
    expect(q.pointsToEarn).toBe(117); // floor(39 x 1.5 x 2)
  });

  it('keeps every step consistent for any basket', () => {
    const line = fc.record({
      campaignId: fc.constantFrom('a', 'b', 'c'),
      quantity: fc.integer({ min: 1, max: 5 }),
      unitPriceFen: fc.integer({ min: 1, max: 50_000 }),
      tierUnitPriceFen: fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: null }),
      tierDiscountApplies: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 9_000, max: 10_000 }),
        fc.nat(100_000),
        fc.integer({ min: 0, max: 9_999 }),
        (lines, tierDiscountBps, points, maxDeductionBps) => {
          const q = quote({
            ...base,
            lines,
            tierDiscountBps,
            pointsRequested: points,
            pointsAvailable: points,
            maxDeductionBps,
          });
          const sum = (f: (l: (typeof q.lines)[number]) => number) =>
            q.lines.reduce((s, l) => s + f(l), 0);
          return (
            q.payableFen ===
              q.subtotalFen - q.tierDiscountFen - q.couponDiscountFen - q.pointsDiscountFen &&
            sum((l) => l.payableFen) === q.payableFen &&
            q.lines.every((l) => l.payableFen >= 0) &&
            q.payableFen >= 1 &&
            q.pointsUsed <= points &&
            q.pointsDiscountFen <=
              Math.floor(((q.subtotalFen - q.tierDiscountFen) * maxDeductionBps) / 10_000)
          );
        },
      ),
    );
  });

  it('refuses an empty basket and non-integer quantities', () => {
    expect(() => quote({ ...base, lines: [] })).toThrow(RangeError);
    expect(() => quote({ ...base, lines: [{ ...base.lines[0], quantity: 0 }] })).toThrow(
      RangeError,
    );
    expect(() => quote({ ...base, lines: [{ ...base.lines[0], quantity: 1.5 }] })).toThrow(
      RangeError,
    );
  });
});
