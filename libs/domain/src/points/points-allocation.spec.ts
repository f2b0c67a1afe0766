import fc from 'fast-check';
import { allocateClawback, allocateReturn, allocateSpend, LotBalance } from './points-allocation';

const lot = (id: string, remaining: number, expires: string): LotBalance => ({
  id,
  remaining,
  expiresAt: new Date(expires),
});

describe('allocateSpend', () => {
  const lots = [
    lot('late', 100, '2027-06-30'),
    lot('early', 30, '2027-01-31'),
    lot('mid', 50, '2027-03-31'),
  ];

  it('draws from the earliest expiry first', () => {
    expect(allocateSpend(lots, 60)).toEqual([
      { lotId: 'early', amount: -30 },
      { lotId: 'mid', amount: -30 },
    ]);
  });

  it('can empty every lot exactly', () => {
    expect(allocateSpend(lots, 180)?.reduce((s, a) => s + a.amount, 0)).toBe(-180);
  });

  it('refuses what the lots do not cover', () => {
    expect(allocateSpend(lots, 181)).toBeNull();
    expect(allocateSpend([], 1)).toBeNull();
  });

  it('refuses non-positive and fractional amounts', () => {
    expect(() => allocateSpend(lots, 0)).toThrow(RangeError);
    expect(() => allocateSpend(lots, 1.5)).toThrow(RangeError);
  });

  it('takes exactly the amount, never more from a lot than it holds, earliest expiry first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ remaining: fc.nat(500), day: fc.integer({ min: 1, max: 28 }) }), {
          maxLength: 8,
        }),
        fc.integer({ min: 1, max: 2000 }),
        (specs, amount) => {
          const input = specs.map((s, i) =>
            lot(`l${i}`, s.remaining, `2027-01-${String(s.day).padStart(2, '0')}`),
          );
          const total = input.reduce((s, l) => s + l.remaining, 0);
          const result = allocateSpend(input, amount);
          if (amount > total) return result === null;
          if (result === null || result.some((a) => a.amount >= 0)) return false;
          // What each lot gives, summed over the allocations that name it.
          const taken = new Map<string, number>();
          for (const a of result) taken.set(a.lotId, (taken.get(a.lotId) ?? 0) - a.amount);
          const left = (l: LotBalance) => l.remaining - (taken.get(l.id) ?? 0);
          return (
            [...taken.values()].reduce((s, n) => s + n, 0) === amount &&
            input.every((l) => left(l) >= 0) &&
            // No lot is drawn from while one expiring before it still has points.
            input.every(
              (drawn) =>
                !taken.has(drawn.id) ||
                input.every(
                  (earlier) => earlier.expiresAt >= drawn.expiresAt || left(earlier) === 0,
                ),
            )
          );
        },
      ),
    );
  });
});

describe('allocateReturn', () => {
  const now = new Date('2027-02-15T00:00:00Z');
  const spentFrom = [
    { lotId: 'expired', spent: 40, returned: 0, expiresAt: new Date('2027-01-31T15:59:59.999Z') },
    { lotId: 'live', spent: 60, returned: 10, expiresAt: new Date('2027-12-31T15:59:59.999Z') },
  ];

  it('returns to the lot that lasts longest first', () => {
    expect(allocateReturn(spentFrom, 30, now)).toEqual({
      allocations: [{ lotId: 'live', amount: 30 }],
      returned: 30,
      forfeited: 0,
    });
  });

  it('forfeits what belongs to lots that have expired since', () => {
    expect(allocateReturn(spentFrom, 90, now)).toEqual({
      allocations: [{ lotId: 'live', amount: 50 }],
      returned: 50,
      forfeited: 40,
    });
  });

  it('never returns more than was spent and not yet returned', () => {
    expect(() => allocateReturn(spentFrom, 91, now)).toThrow(RangeError);
  });
});

describe('allocateClawback', () => {
  const available = [lot('b', 20, '2027-05-31'), lot('a', 10, '2027-02-28')];

  it('takes from the pending lot first', () => {
    expect(allocateClawback({ id: 'p', remaining: 50 }, available, 40)).toEqual({
      allocations: [{ lotId: 'p', amount: -40 }],
      clawedBack: 40,
      shortfall: 0,
    });
  });

  it('then from available points, earliest expiry first', () => {
    expect(allocateClawback({ id: 'p', remaining: 5 }, available, 20)).toEqual({
      allocations: [
        { lotId: 'p', amount: -5 },
        { lotId: 'a', amount: -10 },
        { lotId: 'b', amount: -5 },
      ],
      clawedBack: 20,
      shortfall: 0,
    });
  });

  it('reports what the points cannot cover', () => {
    expect(allocateClawback(null, available, 45)).toMatchObject({ clawedBack: 30, shortfall: 15 });
  });
});
