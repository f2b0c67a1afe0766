import type { OrderState } from '../orders';

/** Why a group-buy is recommended: its strongest signal. */
export const RECOMMENDATION_REASONS = [
  'neighbours_also_bought',
  'bought_before',
  'popular',
] as const;
export type RecommendationReason = (typeof RECOMMENDATION_REASONS)[number];

/** Orders that count as bought: paid, and neither cancelled nor refunded in full. */
export const BOUGHT_ORDER_STATES = [
  'paid',
  'confirmed',
  'delivering',
  'ready_for_pickup',
  'picked_up',
  'completed',
  'partially_refunded',
] as const satisfies readonly OrderState[];

/** What is known of one group-buy the member could buy now, at their pickup point. */
export interface RecommendationSignals {
  campaignId: string;
  cutsOffAt: Date;
  /**
   * Neighbours who recently bought its product and also bought another product the member
   * bought ("neighbours also bought").
   */
  neighbours: number;
  /** The member bought its product before. */
  boughtBefore: boolean;
  /** Neighbours who recently bought its product at the pickup point. */
  recentBuyers: number;
  /** Buyers of the group-buy itself so far. */
  campaignBuyers: number;
}

export interface Recommendation {
  campaignId: string;
  reason: RecommendationReason;
  /** 0 to 20,000: the weighted shares below; only its order among the others means anything. */
  score: number;
}

/**
 * Weights of the signals, each taken as a share (per mille) of the highest among the
 * candidates, so that the rule reads the same at a quiet pickup point as at a busy one:
 * neighbours' co-purchases first, the member's own staples next, popularity last.
 */
export const RECOMMENDATION_WEIGHTS = {
  neighbours: 10,
  boughtBefore: 6,
  recentBuyers: 3,
  campaignBuyers: 1,
} as const;

/** `value` as per mille of `highest`, rounded down; 0 when nothing has any. */
function share(value: number, highest: number): number {
  return highest === 0 ? 0 : Math.floor((value * 1000) / highest);
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isCount(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}

/**
 * The group-buys to recommend, best first, at most `limit`: each scored by the weighted shares
 * of its signals and said to be recommended for the signal that adds most to its score
 * (neighbours, then the member's history, then popularity, when two add as much). Ties go to
 * the one cutting off sooner, then by id, so the same signals always give the same list.
 * Group-buys with no signal at all are left out: there is nothing to say for them.
 */
export function rankRecommendations(
  candidates: readonly RecommendationSignals[],
  limit: number,
): Recommendation[] {
  if (!isCount(limit)) throw new RangeError(`Not a limit: ${limit}`);
  for (const c of candidates) {
    if (![c.neighbours, c.recentBuyers, c.campaignBuyers].every(isCount))
      throw new RangeError(`Signals of ${c.campaignId} are not counts`);
  }
  const highest = (signal: (c: RecommendationSignals) => number) =>
    Math.max(0, ...candidates.map(signal));
  const most = {
    neighbours: highest((c) => c.neighbours),
    recentBuyers: highest((c) => c.recentBuyers),
    campaignBuyers: highest((c) => c.campaignBuyers),
  };
  const w = RECOMMENDATION_WEIGHTS;
  return candidates
    .filter((c) => c.neighbours > 0 || c.boughtBefore || c.recentBuyers > 0 || c.campaignBuyers > 0)
    .map((c) => {
      const neighbours = w.neighbours * share(c.neighbours, most.neighbours);
      const boughtBefore = c.boughtBefore ? w.boughtBefore * 1000 : 0;
      const popular =
        w.recentBuyers * share(c.recentBuyers, most.recentBuyers) +
        w.campaignBuyers * share(c.campaignBuyers, most.campaignBuyers);
      const reason: RecommendationReason =
        neighbours > 0 && neighbours >= boughtBefore && neighbours >= popular
          ? 'neighbours_also_bought'
          : boughtBefore > 0 && boughtBefore >= popular
            ? 'bought_before'
            : 'popular';
      return { candidate: c, reason, score: neighbours + boughtBefore + popular };
    })
    .sort(
      (a, b) =>
        b.score - a.score ||
        a.candidate.cutsOffAt.getTime() - b.candidate.cutsOffAt.getTime() ||
        compareIds(a.candidate.campaignId, b.candidate.campaignId),
    )
    .slice(0, limit)
    .map(({ candidate, reason, score }) => ({ campaignId: candidate.campaignId, reason, score }));
}
