export const LIFECYCLE_STAGES = ['new', 'active', 'at_risk', 'churned', 'won_back'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** What a member's purchase days say, on the day of the report. */
export interface PurchaseHistoryFacts {
  firstPurchaseDaysAgo: number;
  lastPurchaseDaysAgo: number;
  /** Days between the last two purchase days; null for a member who bought on one day only. */
  previousGapDays: number | null;
  /** BG/NBD's P(alive). */
  probabilityAlive: number;
}

/**
 * BG/NBD says a member who bought on one day only is certainly alive, however long ago that
 * was, so days since the last purchase bound each stage as well.
 */
export const LIFECYCLE_RULES = {
  newForDays: 30,
  /** A purchase after a gap this long wins a member back. */
  wonBackAfterGapDays: 90,
  wonBackForDays: 30,
  atRiskBelowAlive: 0.7,
  atRiskAfterDays: 60,
  churnedBelowAlive: 0.3,
  churnedAfterDays: 180,
} as const;

export function lifecycleStage(
  facts: PurchaseHistoryFacts,
  rules: typeof LIFECYCLE_RULES = LIFECYCLE_RULES,
): LifecycleStage {
  const { firstPurchaseDaysAgo, lastPurchaseDaysAgo, previousGapDays, probabilityAlive } = facts;
  if (firstPurchaseDaysAgo < rules.newForDays) return 'new';
  if (
    lastPurchaseDaysAgo < rules.wonBackForDays &&
    previousGapDays !== null &&
    previousGapDays >= rules.wonBackAfterGapDays
  )
    return 'won_back';
  if (probabilityAlive < rules.churnedBelowAlive || lastPurchaseDaysAgo >= rules.churnedAfterDays)
    return 'churned';
  if (probabilityAlive < rules.atRiskBelowAlive || lastPurchaseDaysAgo >= rules.atRiskAfterDays)
    return 'at_risk';
  return 'active';
}
