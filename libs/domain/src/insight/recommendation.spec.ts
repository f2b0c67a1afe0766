import fc from 'fast-check';
import { rankRecommendations, RecommendationSignals } from './recommendation';

const DAY = 86_400_000;
const now = Date.UTC(2026, 5, 1, 2);

/** A group-buy cutting off `days` from now, with no signal unless given. */
const offer = (
  campaignId: string,
  signals: Partial<Omit<RecommendationSignals, 'campaignId'>> = {},
  days = 1,
): RecommendationSignals => ({
  campaignId,
  cutsOffAt: new Date(now + days * DAY),
  neighbours: 0,
  boughtBefore: false,
  recentBuyers: 0,
  campaignBuyers: 0,
  ...signals,
});

const ids = (candidates: RecommendationSignals[], limit = 10) =>
  rankRecommendations(candidates, limit).map((r) => r.campaignId);
const reasons = (candidates: RecommendationSignals[]) =>
  Object.fromEntries(rankRecommendations(candidates, 10).map((r) => [r.campaignId, r.reason]));

describe('recommendations', () => {
  it('puts what neighbours with the same taste bought before what is merely popular', () => {
    const candidates = [
      offer('popular', { recentBuyers: 40, campaignBuyers: 60 }),
      offer('co-bought', { neighbours: 2, recentBuyers: 3, campaignBuyers: 3 }),
    ];
    expect(ids(candidates)).toEqual(['co-bought', 'popular']);
    expect(reasons(candidates)).toEqual({
      'co-bought': 'neighbours_also_bought',
      popular: 'popular',
    });
  });

  it('ranks co-purchases by how many neighbours made them', () => {
    expect(
      ids([
        offer('one', { neighbours: 1, recentBuyers: 9 }),
        offer('five', { neighbours: 5, recentBuyers: 5 }),
        offer('three', { neighbours: 3, recentBuyers: 3 }),
      ]),
    ).toEqual(['five', 'three', 'one']);
  });

  it("puts the member's own staples before what is merely popular", () => {
    const candidates = [
      offer('popular', { recentBuyers: 50, campaignBuyers: 80 }),
      offer('staple', { boughtBefore: true, recentBuyers: 1 }),
    ];
    expect(ids(candidates)).toEqual(['staple', 'popular']);
    expect(reasons(candidates)).toEqual({ staple: 'bought_before', popular: 'popular' });
  });

  it('says a staple few neighbours also bought is recommended for the member having bought it', () => {
    const candidates = [
      offer('strong', { neighbours: 10 }),
      offer('staple', { boughtBefore: true, neighbours: 2 }),
    ];
    expect(rankRecommendations(candidates, 10)).toEqual([
      { campaignId: 'strong', reason: 'neighbours_also_bought', score: 10_000 },
      // 10 x 200 per mille from neighbours, 6 x 1000 from the member's own history.
      { campaignId: 'staple', reason: 'bought_before', score: 8_000 },
    ]);
  });

  it('falls back to popularity for a member with no history: recent buyers here, then the group-buy’s own buyers', () => {
    const candidates = [
      offer('quiet', { campaignBuyers: 2 }),
      offer('busy-here', { recentBuyers: 30, campaignBuyers: 5 }),
      offer('busy-everywhere', { recentBuyers: 30, campaignBuyers: 50 }),
    ];
    expect(ids(candidates)).toEqual(['busy-everywhere', 'busy-here', 'quiet']);
    expect(new Set(Object.values(reasons(candidates)))).toEqual(new Set(['popular']));
  });

  it('leaves out group-buys nothing speaks for', () => {
    expect(ids([offer('new'), offer('sold', { campaignBuyers: 1 })])).toEqual(['sold']);
    expect(rankRecommendations([offer('new')], 10)).toEqual([]);
    expect(rankRecommendations([], 10)).toEqual([]);
  });

  it('breaks ties by the sooner cut-off, then by id', () => {
    expect(
      ids([
        offer('b-later', { recentBuyers: 4 }, 3),
        offer('b-sooner', { recentBuyers: 4 }, 1),
        offer('a-sooner', { recentBuyers: 4 }, 1),
      ]),
    ).toEqual(['a-sooner', 'b-sooner', 'b-later']);
  });

  it('gives at most the limit asked for', () => {
    const many = Array.from({ length: 30 }, (_, i) => offer(`c${i}`, { recentBuyers: i + 1 }));
    expect(ids(many, 5)).toEqual(['c29', 'c28', 'c27', 'c26', 'c25']);
    expect(ids(many, 0)).toEqual([]);
  });

  it('refuses a limit or signals that are not counts', () => {
    expect(() => rankRecommendations([], -1)).toThrow(RangeError);
    expect(() => rankRecommendations([], 2.5)).toThrow(RangeError);
    expect(() => rankRecommendations([offer('x', { neighbours: -1 })], 5)).toThrow(RangeError);
    expect(() => rankRecommendations([offer('x', { recentBuyers: 0.5 })], 5)).toThrow(RangeError);
  });

  it('gives the same list whatever order the candidates come in, best first', () => {
    const candidate = fc.record({
      neighbours: fc.nat(20),
      boughtBefore: fc.boolean(),
      recentBuyers: fc.nat(200),
      campaignBuyers: fc.nat(500),
      days: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 12 }), fc.nat(15), (raw, limit) => {
        const candidates = raw.map(({ days, ...signals }, i) => offer(`c${i}`, signals, days));
        const ranked = rankRecommendations(candidates, limit);
        const reversed = rankRecommendations([...candidates].reverse(), limit);
        expect(reversed).toEqual(ranked);
        expect(ranked.length).toBeLessThanOrEqual(limit);
        for (let i = 1; i < ranked.length; i++)
          expect(ranked[i].score).toBeLessThanOrEqual(ranked[i - 1].score);
      }),
    );
  });
});
