/** One tier of a published rule set. Rates are integers: basis points and percent. */
export interface TierRule {
  code: string;
  name: string;
  /** Rolling 12-month growth that reaches this tier. */
  threshold: number;
  /** Rolling 12-month growth needed at the anniversary to keep it. */
  retentionThreshold: number;
  /** Price paid, in basis points of the list price: 9800 = 98%. */
  discountBps: number;
  /** 120 = points x1.2. */
  pointsMultiplierPct: number;
  birthdayGiftPoints: number;
  entryGiftPoints: number;
  monthlyCoupons: number;
  exclusiveCampaigns: boolean;
}

export const DEFAULT_TIERS: readonly TierRule[] = [
  {
    code: 'regular',
    name: '普通会员',
    threshold: 0,
    retentionThreshold: 0,
    discountBps: 10_000,
    pointsMultiplierPct: 100,
    birthdayGiftPoints: 50,
    entryGiftPoints: 0,
    monthlyCoupons: 0,
    exclusiveCampaigns: false,
  },
  {
    code: 'silver',
    name: '银卡会员',
    threshold: 500,
    retentionThreshold: 300,
    discountBps: 9_800,
    pointsMultiplierPct: 120,
    birthdayGiftPoints: 100,
    entryGiftPoints: 100,
    monthlyCoupons: 1,
    exclusiveCampaigns: false,
  },
  {
    code: 'gold',
    name: '金卡会员',
    threshold: 2_000,
    retentionThreshold: 1_200,
    discountBps: 9_500,
    pointsMultiplierPct: 150,
    birthdayGiftPoints: 300,
    entryGiftPoints: 300,
    monthlyCoupons: 2,
    exclusiveCampaigns: true,
  },
  {
    code: 'diamond',
    name: '钻石会员',
    threshold: 6_000,
    retentionThreshold: 4_000,
    discountBps: 9_200,
    pointsMultiplierPct: 200,
    birthdayGiftPoints: 800,
    entryGiftPoints: 800,
    monthlyCoupons: 4,
    exclusiveCampaigns: true,
  },
];

/** What is wrong with a rule set, one line per problem; empty when it can be published. */
export function tierRuleProblems(tiers: readonly TierRule[]): string[] {
  const problems: string[] = [];
  if (tiers.length === 0) return ['a rule set needs at least one tier'];
  if (tiers[0].threshold !== 0) problems.push('the first tier must start at 0 growth');
  const codes = new Set<string>();
  tiers.forEach((tier, i) => {
    if (codes.has(tier.code)) problems.push(`tier code ${tier.code} appears twice`);
    codes.add(tier.code);
    if (i > 0 && tier.threshold <= tiers[i - 1].threshold) {
      problems.push(`${tier.code}: thresholds must rise from tier to tier`);
    }
    if (tier.retentionThreshold > tier.threshold) {
      problems.push(`${tier.code}: the retention threshold cannot be above the threshold`);
    }
    if (i > 0 && tier.discountBps > tiers[i - 1].discountBps) {
      problems.push(`${tier.code}: a higher tier cannot pay more than a lower one`);
    }
  });
  return problems;
}

/** Index of the highest tier a growth figure reaches. */
export function tierIndexForGrowth(tiers: readonly TierRule[], growth: number): number {
  let index = 0;
  tiers.forEach((tier, i) => {
    if (growth >= tier.threshold) index = i;
  });
  return index;
}
