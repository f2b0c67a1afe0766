import { Injectable } from '@nestjs/common';
import { formatYuan } from '@linli/shared';
import { Clock } from '../../common/clock';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { CommissionLedger } from '../commission/commission-ledger.service';
import { OrderTransitions } from '../group-buy/order-transitions.service';
import { NotificationsService } from '../notifications/notifications.service';
import { PointsLedger } from '../points/points-ledger.service';
import { OrderRefundsService, RefundedOrder } from './order-refunds.service';

interface PaidOrder extends RefundedOrder {
  state: 'paid';
}

/** The refund key of lines whose campaign failed to form. */
export const CAMPAIGN_FAILED = 'campaign-failed';

/** The longest a campaign's decision waits past its cut-off for its unpaid orders to be settled. */
export const UNPAID_ORDERS_WAIT_MS = 15 * 60_000;

/**
 * Cut-off (截团). A campaign whose cut-off has passed is decided once, under its row lock:
 * it forms when enough members paid, otherwise it fails. Then each paid order whose campaigns
 * are all decided is settled once, under its own lock: lines of failed campaigns are refunded
 * in full, the rest is confirmed and put into the pickup point's delivery batch (its pick list).
 */
@Injectable()
export class CutOffService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly transitions: OrderTransitions,
    private readonly refunds: OrderRefundsService,
    private readonly ledger: PointsLedger,
    private readonly commission: CommissionLedger,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /** One batch: decides up to `limit` campaigns, then settles up to `limit` orders. */
  async runBatch(ctx: RequestContext, limit: number): Promise<number> {
    const decided = await this.decideDue(ctx, limit);
    const settled = await this.settleOrders(ctx, limit);
    return Math.max(decided, settled);
  }

  /**
   * Decides campaigns past their cut-off once none of their orders awaits payment: an unpaid
   * order may have been paid just before the cut-off, its notice still on its way, and the
   * unpaid-orders job asks the provider about each one at the cut-off. One the provider cannot
   * tell about holds the decision back for UNPAID_ORDERS_WAIT_MS at most.
   */
  async decideDue(ctx: RequestContext, limit: number): Promise<number> {
    const now = this.clock.now();
    const due = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT c.id FROM campaigns c WHERE c.status = 'published' AND c.cuts_off_at <= $1
         AND (c.cuts_off_at <= $1::timestamptz - $3 * interval '1 millisecond' OR NOT EXISTS (
           SELECT 1 FROM order_lines l JOIN orders o ON o.id = l.order_id
           WHERE l.campaign_id = c.id AND o.state = 'pending_payment'))
       ORDER BY c.cuts_off_at, c.id LIMIT $2 FOR UPDATE OF c SKIP LOCKED`,
      [now, limit, UNPAID_ORDERS_WAIT_MS],
    );
    for (const { id } of due) {
      // Buyers are members with a paid order; nobody can order or cancel while the row is locked.
      await this.connection.query(
        ctx,
        `WITH buyers AS (
           SELECT COUNT(DISTINCT o.member_id)::int AS n FROM orders o JOIN order_lines l ON l.order_id = o.id
           WHERE l.campaign_id = $1 AND o.state = 'paid')
         UPDATE campaigns SET buyers = buyers.n, decided_at = $2,
           status = CASE WHEN buyers.n >= min_buyers THEN 'cut_off' ELSE 'failed' END
         FROM buyers WHERE id = $1 AND status = 'published'`,
        [id, now],
      );
    }
    return due.length;
  }

  async settleOrders(ctx: RequestContext, limit: number): Promise<number> {
    const orders = await this.connection.query<PaidOrder & { refunds: boolean }>(
      ctx,
      `SELECT o.id, o.member_id, o.state, o.points_used, o.points_to_earn,
              EXISTS (SELECT 1 FROM order_lines l JOIN campaigns c ON c.id = l.campaign_id
                      WHERE l.order_id = o.id AND c.status = 'failed') AS refunds
       FROM orders o
       WHERE o.state = 'paid' AND NOT EXISTS (
         SELECT 1 FROM order_lines l JOIN campaigns c ON c.id = l.campaign_id
         WHERE l.order_id = o.id AND c.status = 'published')
       ORDER BY o.paid_at LIMIT $1 FOR UPDATE OF o SKIP LOCKED`,
      [limit],
    );
    // Refunding lines of failed campaigns writes to the members' points accounts, several in
    // one batch: all taken first, in member id order.
    await this.refunds.holdAccounts(
      ctx,
      orders.filter((o) => o.refunds).map((o) => o.member_id),
    );
    for (const order of orders) await this.settle(ctx, order);
    return orders.length;
  }

  private async settle(ctx: RequestContext, order: PaidOrder): Promise<void> {
    const lines = await this.connection.query<{
      id: string;
      quantity: number;
      campaign_id: string;
      status: string;
      title: string;
    }>(
      ctx,
      `SELECT l.id, l.quantity, l.campaign_id, c.status, c.title FROM order_lines l
       JOIN campaigns c ON c.id = l.campaign_id WHERE l.order_id = $1`,
      [order.id],
    );
    const failed = lines.filter((l) => l.status === 'failed');
    if (failed.length > 0) {
      const outcome = await this.refunds.refund(
        ctx,
        order,
        failed.map((l) => ({ lineId: l.id, quantity: l.quantity })),
        CAMPAIGN_FAILED,
      );
      await this.notifications.notify(ctx, order.member_id, {
        kind: 'order_refunded',
        dedupeKey: `order-refunded:${order.id}:${CAMPAIGN_FAILED}`,
        title: '团购未成团，已退款',
        body: `「${failed.map((l) => l.title).join('、')}」未达到成团人数，${formatYuan(outcome.moneyFen)} 将原路退回${outcome.pointsReturned > 0 ? `，${outcome.pointsReturned} 积分已退回` : ''}。`,
        data: { orderId: order.id, refundFen: outcome.moneyFen },
      });
      if (failed.length === lines.length) {
        await this.transitions.apply(ctx, order, 'fail_campaign');
        await this.ledger.cancelPending(ctx, order.member_id, { type: 'order', id: order.id });
        await this.commission.cancelOrder(ctx, order.id);
        return;
      }
    }
    await this.transitions.apply(ctx, order, 'confirm', { confirmed_at: this.clock.now() });
    await this.connection.query(
      ctx,
      `INSERT INTO delivery_batches (campaign_id, pickup_point_id)
       SELECT l.campaign_id, o.pickup_point_id FROM order_lines l JOIN orders o ON o.id = l.order_id
       WHERE l.order_id = $1 AND l.refunded_quantity < l.quantity
       ON CONFLICT (campaign_id, pickup_point_id) DO NOTHING`,
      [order.id],
    );
  }
}
