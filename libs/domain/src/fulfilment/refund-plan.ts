import { mulDivHalfUp, splitProRata } from '../pricing/money';

/** One order line as after-sales sees it: what it cost and what hangs on it. */
export interface RefundableLine {
  lineId: string;
  quantity: number;
  refundedQuantity: number;
  /** What the shopper paid for the whole line, fen. */
  payableFen: number;
  /** Points spent on the whole line. */
  pointsUsed: number;
  /** Points the whole line earns. */
  pointsEarned: number;
  /** The leader's commission on the whole line, fen. */
  commissionFen: number;
}

export interface RefundRequestLine {
  lineId: string;
  quantity: number;
}

export interface RefundPlanLine extends RefundRequestLine {
  moneyFen: number;
  pointsReturned: number;
  pointsClawedBack: number;
  commissionFen: number;
}

export interface RefundPlan {
  lines: RefundPlanLine[];
  moneyFen: number;
  pointsReturned: number;
  pointsClawedBack: number;
  commissionFen: number;
  /** Every unit of every line is refunded once this plan is applied. */
  refundsEverything: boolean;
}

export class RefundQuantityError extends Error {
  constructor(
    readonly lineId: string,
    readonly requested: number,
    readonly refundable: number,
  ) {
    super(`line ${lineId}: ${requested} requested, ${refundable} refundable`);
  }
}

/**
 * The share of `total` that units (from, to] of `quantity` carry. Shares are taken from the
 * running total, so refunding a line unit by unit adds up to exactly what refunding it at
 * once would (half up to the whole unit).
 */
export function unitsShare(total: number, quantity: number, from: number, to: number): number {
  return mulDivHalfUp(total, to, quantity) - mulDivHalfUp(total, from, quantity);
}

/**
 * Splits an order's points over its lines: points spent in proportion to each line's points
 * discount, points earned in proportion to what each line paid. Points and fen are different
 * units: at 200 points a yuan, 1,000 points take 500 fen off; an order can earn more points
 * than it cost fen.
 */
export function splitOrderPoints(
  order: { pointsUsed: number; pointsToEarn: number },
  lines: readonly { pointsDiscountFen: number; payableFen: number }[],
): { pointsUsed: number; pointsEarned: number }[] {
  const used = splitProRata(
    order.pointsUsed,
    lines.map((l) => l.pointsDiscountFen),
  );
  const earned = splitProRata(
    order.pointsToEarn,
    lines.map((l) => l.payableFen),
  );
  return lines.map((_, i) => ({ pointsUsed: used[i], pointsEarned: earned[i] }));
}

/** The leader's commission on a line: `bps` basis points of what was paid, half up to the fen. */
export function lineCommissionFen(payableFen: number, bps: number): number {
  return mulDivHalfUp(payableFen, bps, 10_000);
}

/** What refunding `requested` units gives back and takes back, line by line. */
export function planRefund(
  lines: readonly RefundableLine[],
  requested: readonly RefundRequestLine[],
): RefundPlan {
  const wanted = new Map<string, number>();
  for (const r of requested) wanted.set(r.lineId, (wanted.get(r.lineId) ?? 0) + r.quantity);
  for (const lineId of wanted.keys()) {
    if (!lines.some((l) => l.lineId === lineId)) throw new RefundQuantityError(lineId, 1, 0);
  }
  const planned: RefundPlanLine[] = [];
  let refundsEverything = true;
  for (const line of lines) {
    const quantity = wanted.get(line.lineId) ?? 0;
    const refundable = line.quantity - line.refundedQuantity;
    if (!Number.isSafeInteger(quantity) || quantity < 0 || quantity > refundable)
      throw new RefundQuantityError(line.lineId, quantity, refundable);
    if (quantity < refundable) refundsEverything = false;
    if (quantity === 0) continue;
    const from = line.refundedQuantity;
    const to = from + quantity;
    planned.push({
      lineId: line.lineId,
      quantity,
      moneyFen: unitsShare(line.payableFen, line.quantity, from, to),
      pointsReturned: unitsShare(line.pointsUsed, line.quantity, from, to),
      pointsClawedBack: unitsShare(line.pointsEarned, line.quantity, from, to),
      commissionFen: unitsShare(line.commissionFen, line.quantity, from, to),
    });
  }
  const sum = (key: 'moneyFen' | 'pointsReturned' | 'pointsClawedBack' | 'commissionFen') =>
    planned.reduce((s, l) => s + l[key], 0);
  return {
    lines: planned,
    moneyFen: sum('moneyFen'),
    pointsReturned: sum('pointsReturned'),
    pointsClawedBack: sum('pointsClawedBack'),
    commissionFen: sum('commissionFen'),
    refundsEverything,
  };
}

/**
 * Money kept back when earned points cannot be clawed back in full, at the checkout's rate
 * (`redeemPointsPerYuan` points = 1 yuan), rounded up to the fen: buying, refunding and
 * keeping the points never pays.
 */
export function shortfallDeductionFen(
  shortfallPoints: number,
  redeemPointsPerYuan: number,
): number {
  if (shortfallPoints <= 0) return 0;
  return Math.ceil((shortfallPoints * 100) / redeemPointsPerYuan);
}
