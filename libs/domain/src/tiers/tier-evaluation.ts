import { businessDay, startOfBusinessDay } from '../business-time';
import { TierRule, tierIndexForGrowth } from './tier-rules';

export interface ManualFloor {
  tierIndex: number;
  /** The floor holds while `now` is before this instant. */
  until: Date;
}

export interface UpgradeDecision {
  /** The tier after evaluation (never lower than before: upgrades only). */
  tierIndex: number;
  /** Tiers whose entry gift is now due, skipped tiers included, lowest first. */
  entryGiftsFor: number[];
}

/**
 * Upgrades are immediate: a member moves to the highest tier their rolling 12-month growth
 * reaches, and is owed the entry gift of every tier above their current one up to it, unless
 * that gift was granted before. Growth that rose from `growthBefore` also owes the gifts of the
 * thresholds it crossed below the tier held: a tier held by hand (a manual floor) was entered
 * without them.
 */
export function evaluateUpgrade(
  tiers: readonly TierRule[],
  currentIndex: number,
  growth12m: number,
  giftsGranted: ReadonlySet<string>,
  growthBefore = growth12m,
): UpgradeDecision {
  const reached = tierIndexForGrowth(tiers, growth12m);
  const from = Math.min(currentIndex, tierIndexForGrowth(tiers, growthBefore));
  const entryGiftsFor: number[] = [];
  for (let i = from + 1; i <= reached; i++) {
    if (tiers[i].entryGiftPoints > 0 && !giftsGranted.has(tiers[i].code)) entryGiftsFor.push(i);
  }
  return { tierIndex: Math.max(reached, currentIndex), entryGiftsFor };
}

/**
 * The anniversary of reaching a tier, 12 months later on the same Shanghai calendar day; a
 * tier reached on 29 February has its anniversary on 28 February in common years.
 */
export function tierAnniversary(reachedAt: Date, years = 1): Date {
  const [y, m, d] = businessDay(reachedAt).split('-').map(Number);
  const year = y + years;
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate();
  const day = `${year}-${String(m).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
  return new Date(
    startOfBusinessDay(day).getTime() +
      (reachedAt.getTime() - startOfBusinessDay(businessDay(reachedAt)).getTime()),
  );
}

export interface RetentionDecision {
  tierIndex: number;
  dropped: boolean;
  /**
   * Set when only a manual floor kept the tier: it holds until the floor ends, and is
   * reviewed then rather than a year on.
   */
  heldByFloorUntil?: Date;
}

/**
 * At a tier's anniversary: a member whose rolling 12-month growth is below the tier's
 * retention threshold drops one tier — never more, never below a manual floor still in force,
 * and never below what their growth reaches anyway. A tier kept only by a floor is kept until
 * the floor's end date.
 */
export function evaluateRetention(
  tiers: readonly TierRule[],
  currentIndex: number,
  growth12m: number,
  now: Date,
  floor: ManualFloor | null,
): RetentionDecision {
  if (currentIndex === 0 || growth12m >= tiers[currentIndex].retentionThreshold) {
    return { tierIndex: currentIndex, dropped: false };
  }
  const floorIndex = floor && now.getTime() < floor.until.getTime() ? floor.tierIndex : 0;
  const next = Math.max(
    currentIndex - 1,
    floorIndex,
    Math.min(tierIndexForGrowth(tiers, growth12m), currentIndex),
  );
  // Growth below the retention threshold reaches a lower tier: only the floor keeps this one.
  if (next === currentIndex && floor) {
    return { tierIndex: next, dropped: false, heldByFloorUntil: floor.until };
  }
  return { tierIndex: next, dropped: next < currentIndex };
}
