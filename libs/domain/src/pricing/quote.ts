import { pointsToEarn } from '../points/points-earning';
import { allocateProRata, mulDivHalfUp } from './money';

export interface QuoteLineInput {
  campaignId: string;
  quantity: number;
  /** The campaign's group price per unit, in fen. */
  unitPriceFen: number;
  /** The campaign's price for the member's tier, when it sets one: it replaces the tier discount. */
  tierUnitPriceFen: number | null;
  /** Whether the member's tier discount applies to this campaign. */
  tierDiscountApplies: boolean;
}

export interface CouponInput {
  kind: 'fixed' | 'percent';
  /** Fixed coupons: fen off. */
  amountFen: number;
  /** Percent coupons: basis points off (1000 = 10% off). */
  percentBps: number;
  minSpendFen: number;
  /** Campaigns the coupon applies to; null for all. */
  campaignIds: readonly string[] | null;
}

export interface QuoteInput {
  lines: readonly QuoteLineInput[];
  /** The member's tier price in basis points of list: 9800 = 98%. */
  tierDiscountBps: number;
  coupon: CouponInput | null;
  pointsRequested: number;
  pointsAvailable: number;
  /** Points worth one yuan at checkout. */
  redeemPointsPerYuan: number;
  /** Most of the payable amount points may cover, in basis points; never all of it. */
  maxDeductionBps: number;
  earn: { pointsPerYuan: number; tierMultiplierPct: number; memberDayMultiplierPct: number };
}

export interface QuoteLine {
  campaignId: string;
  quantity: number;
  unitPriceFen: number;
  /** unit price x quantity */
  listFen: number;
  tierDiscountFen: number;
  couponDiscountFen: number;
  pointsDiscountFen: number;
  /** What the line costs after every step. */
  payableFen: number;
}

export type CouponOutcome = 'applied' | 'none' | 'min_spend_not_met' | 'not_applicable';

export interface Quote {
  lines: QuoteLine[];
  subtotalFen: number;
  tierDiscountFen: number;
  couponDiscountFen: number;
  coupon: CouponOutcome;
  pointsUsed: number;
  pointsDiscountFen: number;
  payableFen: number;
  pointsToEarn: number;
}

/**
 * The most one order may come to before discounts, in fen: an order's amounts are stored as
 * 32-bit integers, and every other amount of a quote is at most its subtotal.
 */
export const MAX_ORDER_SUBTOTAL_FEN = 2_147_483_647;

const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);

function assertWhole(name: string, value: number, min = 0): void {
  if (!Number.isSafeInteger(value) || value < min)
    throw new RangeError(`${name} must be an integer of at least ${min}`);
}

/**
 * What `quantity` units of a line cost the member's tier before coupons and points: the
 * campaign's price for the tier where it sets one (never above the group price), else the group
 * price less the tier's discount where the campaign applies it.
 */
export function afterTierFen(
  line: Omit<QuoteLineInput, 'campaignId'>,
  tierDiscountBps: number,
): number {
  const listFen = line.unitPriceFen * line.quantity;
  if (line.tierUnitPriceFen !== null)
    return Math.min(listFen, line.tierUnitPriceFen * line.quantity);
  return line.tierDiscountApplies ? mulDivHalfUp(listFen, tierDiscountBps, 10_000) : listFen;
}

/**
 * The checkout price, step by step: campaign price -> tier discount (or the campaign's tier
 * price) -> coupon -> points. Money is integer fen, rounded half up per line; coupon and
 * points discounts are spread over the lines they cover, so each line knows what it cost.
 */
export function quote(input: QuoteInput): Quote {
  if (input.lines.length === 0) throw new RangeError('a quote needs at least one line');
  input.lines.forEach((l) => {
    assertWhole('quantity', l.quantity, 1);
    assertWhole('unitPriceFen', l.unitPriceFen);
    if (l.tierUnitPriceFen !== null) assertWhole('tierUnitPriceFen', l.tierUnitPriceFen);
  });
  assertWhole('pointsRequested', input.pointsRequested);
  assertWhole('pointsAvailable', input.pointsAvailable);
  assertWhole('redeemPointsPerYuan', input.redeemPointsPerYuan, 1);

  // 1-2. Campaign price, then the tier: a campaign's tier price replaces the tier discount.
  const lines = input.lines.map((l) => {
    const listFen = l.unitPriceFen * l.quantity;
    const afterTier = afterTierFen(l, input.tierDiscountBps);
    return { ...l, listFen, tierDiscountFen: listFen - afterTier, afterTier };
  });

  // 3. One coupon, on the lines it applies to.
  const eligible = lines.map(
    (l) => !input.coupon?.campaignIds || input.coupon.campaignIds.includes(l.campaignId),
  );
  const eligibleFen = sum(lines.filter((_, i) => eligible[i]).map((l) => l.afterTier));
  let coupon: CouponOutcome = 'none';
  let couponDiscountFen = 0;
  if (input.coupon) {
    if (eligibleFen === 0) coupon = 'not_applicable';
    else if (eligibleFen < input.coupon.minSpendFen) coupon = 'min_spend_not_met';
    else {
      coupon = 'applied';
      const off =
        input.coupon.kind === 'fixed'
          ? input.coupon.amountFen
          : mulDivHalfUp(eligibleFen, input.coupon.percentBps, 10_000);
      // A coupon never makes a line free: at least one fen stays payable overall.
      couponDiscountFen = Math.min(off, eligibleFen - 1);
    }
  }
  const couponShares = allocateProRata(
    couponDiscountFen,
    lines.map((l, i) => (eligible[i] ? l.afterTier : 0)),
  );
  const afterCoupon = lines.map((l, i) => l.afterTier - couponShares[i]);
  const afterCouponFen = sum(afterCoupon);

  // 4. Points: at most the cap of what is left, never all of it, never more than the member has.
  const capFen = Math.min(
    Math.floor((afterCouponFen * input.maxDeductionBps) / 10_000),
    Math.max(0, afterCouponFen - 1),
  );
  const wantedPoints = Math.min(input.pointsRequested, input.pointsAvailable);
  const pointsDiscountFen = Math.min(
    Math.floor((wantedPoints * 100) / input.redeemPointsPerYuan),
    capFen,
  );
  const pointsUsed = Math.ceil((pointsDiscountFen * input.redeemPointsPerYuan) / 100);
  const pointsShares = allocateProRata(pointsDiscountFen, afterCoupon);

  const quoted: QuoteLine[] = lines.map((l, i) => ({
    campaignId: l.campaignId,
    quantity: l.quantity,
    unitPriceFen: l.unitPriceFen,
    listFen: l.listFen,
    tierDiscountFen: l.tierDiscountFen,
    couponDiscountFen: couponShares[i],
    pointsDiscountFen: pointsShares[i],
    payableFen: afterCoupon[i] - pointsShares[i],
  }));
  const payableFen = sum(quoted.map((l) => l.payableFen));
  return {
    lines: quoted,
    subtotalFen: sum(quoted.map((l) => l.listFen)),
    tierDiscountFen: sum(quoted.map((l) => l.tierDiscountFen)),
    couponDiscountFen,
    coupon,
    pointsUsed,
    pointsDiscountFen,
    payableFen,
    pointsToEarn: pointsToEarn({ paidFen: payableFen, ...input.earn }),
  };
}
