/** A credit lot as the allocation rules see it. */
export interface LotBalance {
  id: string;
  remaining: number;
  expiresAt: Date;
}

export interface Allocation {
  lotId: string;
  /** Points moved: positive into the lot, negative out of it. */
  amount: number;
}

function assertPoints(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0)
    throw new RangeError('points must be a positive integer');
}

function byExpiry<T extends { expiresAt: Date; id?: string; lotId?: string }>(a: T, b: T): number {
  const diff = a.expiresAt.getTime() - b.expiresAt.getTime();
  if (diff !== 0) return diff;
  const ka = a.id ?? a.lotId ?? '';
  const kb = b.id ?? b.lotId ?? '';
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Draws `amount` from lots, earliest expiry first; null when the lots do not cover it. */
export function allocateSpend(lots: readonly LotBalance[], amount: number): Allocation[] | null {
  assertPoints(amount);
  const allocations: Allocation[] = [];
  let left = amount;
  for (const lot of [...lots].sort(byExpiry)) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    if (take > 0) {
      allocations.push({ lotId: lot.id, amount: -take });
      left -= take;
    }
  }
  return left === 0 ? allocations : null;
}

/** What a spend drew from one lot, and how much of that has been returned already. */
export interface SpentFromLot {
  lotId: string;
  spent: number;
  returned: number;
  expiresAt: Date;
}

export interface ReturnPlan {
  allocations: Allocation[];
  /** Points back in the member's lots. */
  returned: number;
  /** Points that would have gone back to lots that have expired since: they stay expired. */
  forfeited: number;
}

/**
 * Gives `amount` spent points back to the lots they came from, latest expiry first (the lots
 * the member can use longest). Whatever belongs to a lot that has expired by `now` is
 * forfeited. Never returns more than was spent and not yet returned.
 */
export function allocateReturn(
  spentFrom: readonly SpentFromLot[],
  amount: number,
  now: Date,
): ReturnPlan {
  assertPoints(amount);
  const returnable = spentFrom.reduce((sum, s) => sum + (s.spent - s.returned), 0);
  if (amount > returnable) throw new RangeError(`only ${returnable} points can still be returned`);
  const allocations: Allocation[] = [];
  let left = amount;
  let forfeited = 0;
  for (const lot of [...spentFrom].sort(byExpiry).reverse()) {
    if (left === 0) break;
    const give = Math.min(lot.spent - lot.returned, left);
    if (give <= 0) continue;
    left -= give;
    if (now.getTime() > lot.expiresAt.getTime()) forfeited += give;
    else allocations.push({ lotId: lot.lotId, amount: give });
  }
  return { allocations, returned: amount - forfeited, forfeited };
}

export interface ClawbackPlan {
  allocations: Allocation[];
  clawedBack: number;
  /** What the member's points could not cover; the caller settles it (e.g. from refund money). */
  shortfall: number;
}

/**
 * Takes back `amount` earned points: from the source's pending lot first, then from the
 * member's available lots, earliest expiry first.
 */
export function allocateClawback(
  pendingLot: { id: string; remaining: number } | null,
  availableLots: readonly LotBalance[],
  amount: number,
): ClawbackPlan {
  assertPoints(amount);
  const allocations: Allocation[] = [];
  let left = amount;
  if (pendingLot && pendingLot.remaining > 0) {
    const take = Math.min(pendingLot.remaining, left);
    allocations.push({ lotId: pendingLot.id, amount: -take });
    left -= take;
  }
  for (const lot of [...availableLots].sort(byExpiry)) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    if (take > 0) {
      allocations.push({ lotId: lot.id, amount: -take });
      left -= take;
    }
  }
  return { allocations, clawedBack: amount - left, shortfall: left };
}
