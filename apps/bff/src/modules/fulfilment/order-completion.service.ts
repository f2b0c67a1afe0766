import { Injectable } from '@nestjs/common';
import type { OrderState } from '@linli/domain';
import { Clock } from '../../common/clock';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { CommissionLedger } from '../commission/commission-ledger.service';
import { ReferralsService } from '../engagement/referrals.service';
import { OrderTransitions } from '../group-buy/order-transitions.service';
import { PointsLedger } from '../points/points-ledger.service';
import { MemberTiersService } from '../tiers/member-tiers.service';

/**
 * Closes orders whose after-sales window has ended, once each: the points they earned become
 * spendable (and an invite's reward their member brought), the growth they are worth (1 per
 * yuan kept, floor) is recorded, and the leader's commission becomes available. An order with a refund request still open waits for it.
 * A delivering campaign closes once none of its orders is still open.
 */
@Injectable()
export class OrderCompletionService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly transitions: OrderTransitions,
    private readonly ledger: PointsLedger,
    private readonly tiers: MemberTiersService,
    private readonly commission: CommissionLedger,
    private readonly referrals: ReferralsService,
    private readonly clock: Clock,
  ) {}

  async completeDue(ctx: RequestContext, limit: number): Promise<number> {
    const now = this.clock.now();
    const due = await this.connection.query<{
      id: string;
      member_id: string;
      state: OrderState;
      payable_fen: number;
      refunded_fen: number;
    }>(
      ctx,
      `SELECT o.id, o.member_id, o.state, o.payable_fen, o.refunded_fen FROM orders o
       WHERE o.state IN ('picked_up', 'partially_refunded') AND o.after_sales_ends_at <= $1
         AND NOT EXISTS (SELECT 1 FROM refund_requests r WHERE r.order_id = o.id AND r.status = 'pending')
       ORDER BY o.after_sales_ends_at LIMIT $2 FOR UPDATE OF o SKIP LOCKED`,
      [now, limit],
    );
    // A request committed after the statement above began, by a transaction that only locked
    // the order, is not seen by it: asked again now, under the lock, it is, and its order waits.
    const waiting = new Set(
      (
        await this.connection.query<{ order_id: string }>(
          ctx,
          `SELECT DISTINCT order_id FROM refund_requests
           WHERE order_id = ANY($1::uuid[]) AND status = 'pending'`,
          [due.map((o) => o.id)],
        )
      ).map((r) => r.order_id),
    );
    const completing = due.filter((o) => !waiting.has(o.id));
    await this.referrals.holdAccountsOf(
      ctx,
      completing.map((o) => o.member_id),
    );
    for (const order of completing) {
      const source = { type: 'order', id: order.id };
      await this.transitions.apply(ctx, order, 'complete', { completed_at: now });
      await this.ledger.activate(ctx, order.member_id, source);
      const growth = Math.floor((order.payable_fen - order.refunded_fen) / 100);
      if (growth > 0) await this.tiers.recordGrowth(ctx, order.member_id, source, growth);
      await this.recordReviewGrowth(ctx, order);
      await this.referrals.onOrderKept(ctx, order.member_id);
    }
    await this.commission.release(
      ctx,
      completing.map((o) => o.id),
    );
    await this.closeFinishedCampaigns(ctx);
    // Those passed over count too: the job goes on to the next batch, where they are not due.
    return due.length;
  }

  /** The growth that reviews of the order's lines kept (not refunded whole) earned, now it counts. */
  private async recordReviewGrowth(
    ctx: RequestContext,
    order: { id: string; member_id: string },
  ): Promise<void> {
    const reviews = await this.connection.query<{ order_line_id: string; growth: number }>(
      ctx,
      `SELECT r.order_line_id, r.growth FROM reviews r JOIN order_lines l ON l.id = r.order_line_id
       WHERE r.order_id = $1 AND r.growth > 0 AND l.refunded_quantity < l.quantity
       ORDER BY r.order_line_id`,
      [order.id],
    );
    for (const review of reviews) {
      const source = { type: 'review', id: review.order_line_id };
      await this.tiers.recordGrowth(ctx, order.member_id, source, review.growth);
    }
  }

  /**
   * Every delivering campaign with no order left to finish becomes closed, whichever way its
   * last order ended: completed here, or refunded in full by after-sales, which this job never
   * picks up.
   */
  private async closeFinishedCampaigns(ctx: RequestContext): Promise<void> {
    await this.connection.query(
      ctx,
      `UPDATE campaigns c SET status = 'closed'
       WHERE c.status = 'delivering'
         AND NOT EXISTS (
           SELECT 1 FROM order_lines l JOIN orders o ON o.id = l.order_id
           WHERE l.campaign_id = c.id AND o.state NOT IN ('completed', 'cancelled', 'refunded'))`,
    );
  }
}
