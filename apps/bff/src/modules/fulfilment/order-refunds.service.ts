import { Injectable } from '@nestjs/common';
import {
  planRefund,
  RefundQuantityError,
  RefundRequestLine,
  shortfallDeductionFen,
  splitOrderPoints,
} from '@linli/domain';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { CommissionLedger } from '../commission/commission-ledger.service';
import { CouponsService } from '../coupons/coupons.service';
import { OrderLifecycleService } from '../group-buy/order-lifecycle.service';
import { PointsLedger } from '../points/points-ledger.service';
import { PointsPolicyService } from '../points/points-policy.service';
import { ReferralsService } from '../engagement/referrals.service';
import { refundQuantityInvalid } from './fulfilment.exception';

/** The order being refunded, locked by the caller. */
export interface RefundedOrder {
  id: string;
  member_id: string;
  points_used: number;
  points_to_earn: number;
}

export interface RefundOutcome {
  /** Money paid back, after any points shortfall was kept back. */
  moneyFen: number;
  /** Spent points given back to their lots; those of lots that have expired are not. */
  pointsReturned: number;
  /** Points the refunded lines earned: on payment, by their reviews, as a referral's first order. */
  pointsClawedBack: number;
  /** Money kept back for earned points that were already spent. */
  shortfallFen: number;
  refundsEverything: boolean;
  /** The order's coupon came back to the member, the order being refunded whole. */
  couponReturned: boolean;
}

interface LineRow {
  id: string;
  quantity: number;
  refunded_quantity: number;
  payable_fen: number;
  points_discount_fen: number;
  commission_fen: number;
}

/**
 * Refunds some units of an order's lines, whatever asked for it (after-sales, a failed
 * campaign): money through the provider, spent points back to their lots, earned points
 * clawed back (what cannot be is kept back from the money), commission cancelled pro rata.
 * A line refunded whole also gives back what its review earned; an order refunded whole gives
 * its coupon back to the member, and the referral reward of an invitee who keeps nothing back to
 * both sides. Every step is keyed by `key`, so the whole refund happens once.
 */
@Injectable()
export class OrderRefundsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly lifecycle: OrderLifecycleService,
    private readonly ledger: PointsLedger,
    private readonly policies: PointsPolicyService,
    private readonly commission: CommissionLedger,
    private readonly referrals: ReferralsService,
    private readonly coupons: CouponsService,
  ) {}

  /** Refundable lines of an order with each one's share of points and commission. */
  private async lines(ctx: RequestContext, order: RefundedOrder) {
    const rows = await this.connection.query<LineRow>(
      ctx,
      `SELECT l.id, l.quantity, l.refunded_quantity, l.payable_fen, l.points_discount_fen,
              COALESCE(e.amount_fen, 0)::int AS commission_fen
       FROM order_lines l LEFT JOIN commission_entries e ON e.order_line_id = l.id
       WHERE l.order_id = $1 ORDER BY l.campaign_id`,
      [order.id],
    );
    const points = splitOrderPoints(
      { pointsUsed: order.points_used, pointsToEarn: order.points_to_earn },
      rows.map((r) => ({ pointsDiscountFen: r.points_discount_fen, payableFen: r.payable_fen })),
    );
    return rows.map((r, i) => ({
      lineId: r.id,
      quantity: r.quantity,
      refundedQuantity: r.refunded_quantity,
      payableFen: r.payable_fen,
      pointsUsed: points[i].pointsUsed,
      pointsEarned: points[i].pointsEarned,
      commissionFen: r.commission_fen,
    }));
  }

  /**
   * What refunding `requested` would pay back before any shortfall. REFUND_QUANTITY_INVALID
   * when it asks for more units than are left once `promised` (pending requests) are set aside.
   */
  async preview(
    ctx: RequestContext,
    order: RefundedOrder,
    requested: RefundRequestLine[],
    promised: RefundRequestLine[] = [],
  ) {
    const lines = await this.lines(ctx, order);
    plan(lines, [...requested, ...promised]);
    return plan(lines, requested);
  }

  /**
   * Locks the points accounts a refund of the members' orders writes to (theirs, and their
   * inviters' while an invite reward stands), in member id order, as the expiry job takes them:
   * a batch refunding orders of several members takes them all first.
   */
  holdAccounts(ctx: RequestContext, memberIds: string[]): Promise<void> {
    return this.referrals.holdAccountsOf(ctx, memberIds);
  }

  async refund(
    ctx: RequestContext,
    order: RefundedOrder,
    requested: RefundRequestLine[],
    key: string,
  ): Promise<RefundOutcome> {
    const lines = await this.lines(ctx, order);
    const refundPlan = plan(lines, requested);
    const source = { type: 'order', id: order.id };
    const operation = `refund:${order.id}:${key}`;
    await this.holdAccounts(ctx, [order.member_id]);
    // Points of lots that have expired since the order was paid are forfeited, not returned.
    let pointsReturned = 0;
    if (refundPlan.pointsReturned > 0) {
      ({ returned: pointsReturned } = await this.ledger.returnSpent(
        ctx,
        order.member_id,
        source,
        operation,
        refundPlan.pointsReturned,
      ));
    }
    let shortfall = 0;
    if (refundPlan.pointsClawedBack > 0) {
      ({ shortfall } = await this.ledger.clawBack(
        ctx,
        order.member_id,
        source,
        operation,
        refundPlan.pointsClawedBack,
      ));
    }
    for (const line of refundPlan.lines) {
      await this.connection.query(
        ctx,
        `UPDATE order_lines SET refunded_quantity = refunded_quantity + $2, refunded_fen = refunded_fen + $3
         WHERE id = $1`,
        [line.lineId, line.quantity, line.moneyFen],
      );
      await this.commission.cancelPart(ctx, line.lineId, line.commissionFen);
    }
    const emptied = refundPlan.lines
      .filter((refunded) => {
        const line = lines.find((l) => l.lineId === refunded.lineId);
        return line && line.refundedQuantity + refunded.quantity >= line.quantity;
      })
      .map((refunded) => refunded.lineId);
    const reviews = await this.takeBackReviews(ctx, order.member_id, emptied, operation);
    const referral = refundPlan.refundsEverything
      ? await this.referrals.onRefundedWhole(ctx, order.member_id, operation)
      : { clawedBack: 0, shortfall: 0 };
    const couponReturned =
      refundPlan.refundsEverything && (await this.coupons.giveBack(ctx, order.id));
    shortfall += reviews.shortfall + referral.shortfall;
    let shortfallFen = 0;
    if (shortfall > 0) {
      const { redeemPointsPerYuan } = await this.policies.get(ctx);
      shortfallFen = Math.min(
        refundPlan.moneyFen,
        shortfallDeductionFen(shortfall, redeemPointsPerYuan),
      );
    }
    const moneyFen = refundPlan.moneyFen - shortfallFen;
    await this.lifecycle.refundMoney(ctx, order.id, moneyFen, key);
    return {
      moneyFen,
      pointsReturned,
      pointsClawedBack: refundPlan.pointsClawedBack + reviews.clawedBack + referral.clawedBack,
      shortfallFen,
      refundsEverything: refundPlan.refundsEverything,
      couponReturned,
    };
  }

  /**
   * The points that reviews of lines now refunded whole earned, taken back once (their growth
   * waits for the order to complete, so there is none to take back).
   */
  private async takeBackReviews(
    ctx: RequestContext,
    memberId: string,
    lineIds: string[],
    operation: string,
  ): Promise<{ clawedBack: number; shortfall: number }> {
    if (lineIds.length === 0) return { clawedBack: 0, shortfall: 0 };
    const reviews = await this.connection.query<{ order_line_id: string; points: number }>(
      ctx,
      `SELECT order_line_id, points FROM reviews
       WHERE order_line_id = ANY($1::uuid[]) AND points > 0 ORDER BY order_line_id`,
      [lineIds],
    );
    let clawedBack = 0;
    let shortfall = 0;
    for (const review of reviews) {
      const taken = await this.ledger.clawBack(
        ctx,
        memberId,
        { type: 'review', id: review.order_line_id },
        `${operation}:review:${review.order_line_id}`,
        review.points,
      );
      clawedBack += review.points;
      shortfall += taken.shortfall;
    }
    return { clawedBack, shortfall };
  }
}

function plan(lines: Parameters<typeof planRefund>[0], requested: RefundRequestLine[]) {
  try {
    return planRefund(lines, requested);
  } catch (error) {
    if (error instanceof RefundQuantityError)
      throw refundQuantityInvalid(error.lineId, error.requested, error.refundable);
    throw error;
  }
}
