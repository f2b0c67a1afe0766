import { evaluateRetention, evaluateUpgrade, tierAnniversary } from './tier-evaluation';
import { DEFAULT_TIERS, tierIndexForGrowth, tierRuleProblems } from './tier-rules';

const [REGULAR, SILVER, GOLD, DIAMOND] = [0, 1, 2, 3];
const none = new Set<string>();

describe('tier rules', () => {
  it('accepts the default tiers', () => {
    expect(tierRuleProblems(DEFAULT_TIERS)).toEqual([]);
  });

  it('names every problem of a broken rule set', () => {
    const broken = [
      { ...DEFAULT_TIERS[0], threshold: 10 },
      { ...DEFAULT_TIERS[1], threshold: 5, retentionThreshold: 50 },
      { ...DEFAULT_TIERS[2], code: 'silver', discountBps: 9_900 },
    ];
    expect(tierRuleProblems(broken)).toEqual([
      'the first tier must start at 0 growth',
      'silver: thresholds must rise from tier to tier',
      'silver: the retention threshold cannot be above the threshold',
      'tier code silver appears twice',
      'silver: a higher tier cannot pay more than a lower one',
    ]);
    expect(tierRuleProblems([])).toEqual(['a rule set needs at least one tier']);
  });

  it('finds the tier a growth figure reaches, thresholds included', () => {
    expect(tierIndexForGrowth(DEFAULT_TIERS, 499)).toBe(REGULAR);
    expect(tierIndexForGrowth(DEFAULT_TIERS, 500)).toBe(SILVER);
    expect(tierIndexForGrowth(DEFAULT_TIERS, 5_999)).toBe(GOLD);
    expect(tierIndexForGrowth(DEFAULT_TIERS, 6_000)).toBe(DIAMOND);
  });
});

describe('upgrades', () => {
  it('upgrades at the exact threshold and owes that tier its entry gift', () => {
    expect(evaluateUpgrade(DEFAULT_TIERS, REGULAR, 500, none)).toEqual({
      tierIndex: SILVER,
      entryGiftsFor: [SILVER],
    });
    expect(evaluateUpgrade(DEFAULT_TIERS, REGULAR, 499, none)).toEqual({
      tierIndex: REGULAR,
      entryGiftsFor: [],
    });
  });

  it('owes the gifts of skipped tiers too', () => {
    expect(evaluateUpgrade(DEFAULT_TIERS, REGULAR, 6_500, none)).toEqual({
      tierIndex: DIAMOND,
      entryGiftsFor: [SILVER, GOLD, DIAMOND],
    });
  });

  it('grants each entry gift once, also after a drop and a climb back', () => {
    expect(evaluateUpgrade(DEFAULT_TIERS, SILVER, 2_100, new Set(['silver', 'gold']))).toEqual({
      tierIndex: GOLD,
      entryGiftsFor: [],
    });
  });

  it('owes the gift of each threshold growth crosses below a tier held by hand', () => {
    // Gold held by hand: growth from 0 to 2,100 passes silver and gold.
    expect(evaluateUpgrade(DEFAULT_TIERS, GOLD, 2_100, none, 0)).toEqual({
      tierIndex: GOLD,
      entryGiftsFor: [SILVER, GOLD],
    });
    expect(evaluateUpgrade(DEFAULT_TIERS, GOLD, 2_100, none, 1_900)).toEqual({
      tierIndex: GOLD,
      entryGiftsFor: [GOLD],
    });
    // Growth that crosses no threshold owes nothing, though those gifts were never granted.
    expect(evaluateUpgrade(DEFAULT_TIERS, GOLD, 2_200, none, 2_100)).toEqual({
      tierIndex: GOLD,
      entryGiftsFor: [],
    });
  });

  it('never downgrades: that is retention’s business', () => {
    expect(evaluateUpgrade(DEFAULT_TIERS, GOLD, 100, none)).toEqual({
      tierIndex: GOLD,
      entryGiftsFor: [],
    });
  });
});

describe('retention at the anniversary', () => {
  const now = new Date('2027-06-01T04:00:00Z');

  it('keeps a tier whose retention threshold is met, exactly', () => {
    expect(evaluateRetention(DEFAULT_TIERS, GOLD, 1_200, now, null)).toEqual({
      tierIndex: GOLD,
      dropped: false,
    });
  });

  it('drops one tier at most, however low the growth', () => {
    expect(evaluateRetention(DEFAULT_TIERS, DIAMOND, 0, now, null)).toEqual({
      tierIndex: GOLD,
      dropped: true,
    });
  });

  it('never drops below a manual floor still in force, and ignores one that has ended', () => {
    const floor = { tierIndex: DIAMOND, until: new Date('2027-12-31T16:00:00Z') };
    expect(evaluateRetention(DEFAULT_TIERS, DIAMOND, 0, now, floor)).toEqual({
      tierIndex: DIAMOND,
      dropped: false,
      heldByFloorUntil: floor.until,
    });
    const ended = { tierIndex: DIAMOND, until: new Date('2027-05-31T16:00:00Z') };
    expect(evaluateRetention(DEFAULT_TIERS, DIAMOND, 0, now, ended)).toEqual({
      tierIndex: GOLD,
      dropped: true,
    });
  });

  it('says until when a manual floor alone holds the tier, so that it is reviewed when the floor ends', () => {
    const floor = { tierIndex: GOLD, until: new Date('2027-06-30T15:59:59.999Z') };
    expect(evaluateRetention(DEFAULT_TIERS, GOLD, 0, now, floor)).toEqual({
      tierIndex: GOLD,
      dropped: false,
      heldByFloorUntil: floor.until,
    });
    // Growth that keeps the tier keeps it for a year, whatever the floor.
    expect(evaluateRetention(DEFAULT_TIERS, GOLD, 1_200, now, floor)).toEqual({
      tierIndex: GOLD,
      dropped: false,
    });
    // A floor below the tier does not hold it.
    expect(evaluateRetention(DEFAULT_TIERS, DIAMOND, 0, now, floor)).toEqual({
      tierIndex: GOLD,
      dropped: true,
    });
  });

  it('drops a member whose refunds took growth below the retention threshold', () => {
    // Reached silver with 520, a refund took back 300: 220 < 300 at the anniversary.
    expect(evaluateRetention(DEFAULT_TIERS, SILVER, 220, now, null)).toEqual({
      tierIndex: REGULAR,
      dropped: true,
    });
  });

  it('leaves regular members alone', () => {
    expect(evaluateRetention(DEFAULT_TIERS, REGULAR, 0, now, null)).toEqual({
      tierIndex: REGULAR,
      dropped: false,
    });
  });
});

describe('tier anniversaries, Shanghai calendar', () => {
  it('falls on the same day and time a year later', () => {
    expect(tierAnniversary(new Date('2026-03-15T02:30:00Z')).toISOString()).toBe(
      '2027-03-15T02:30:00.000Z',
    );
  });

  it('moves 29 February to 28 February in common years, and back in leap years', () => {
    // 2028-02-29 10:00 Shanghai
    const leapDay = new Date('2028-02-29T02:00:00Z');
    expect(tierAnniversary(leapDay).toISOString()).toBe('2029-02-28T02:00:00.000Z');
    expect(tierAnniversary(leapDay, 4).toISOString()).toBe('2032-02-29T02:00:00.000Z');
  });

  it('uses the Shanghai day at midnight boundaries', () => {
    // 2026-12-31 23:30 Shanghai is 15:30 UTC: the anniversary is 2027-12-31 Shanghai.
    expect(tierAnniversary(new Date('2026-12-31T15:30:00Z')).toISOString()).toBe(
      '2027-12-31T15:30:00.000Z',
    );
  });
});
