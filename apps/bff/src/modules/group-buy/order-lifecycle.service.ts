import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { pointsToEarn, type OrderState } from '@linli/domain';
import { ErrorCode, formatYuan } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import {
  PAYMENT_PROVIDER,
  PaymentClosed,
  PaymentNotification,
  PaymentProvider,
  ProviderUnavailable,
  PaymentStart,
} from '../payments/payment-provider';
import { NotifyUrls } from '../payments/notify-urls';
import { CommissionLedger } from '../commission/commission-ledger.service';
import { CouponsService } from '../coupons/coupons.service';
import { NotificationsService } from '../notifications/notifications.service';
import { PointsLedger } from '../points/points-ledger.service';
import { MemberBenefitsService } from '../tiers/member-benefits.service';
import { campaignNotOpen } from './group-buy.exception';
import { OrderTransitions, orderStateInvalid } from './order-transitions.service';
import { ProviderRefunds } from './provider-refunds.service';

/** The refund key of a payment that came when its order no longer took it. */
const LATE_PAYMENT = 'late-payment';

/** What the payment provider said of an order about to be cancelled. */
export interface CancelAtProvider {
  /** Whether the order was awaiting payment when the provider was asked. */
  awaitedPayment: boolean;
  /** The order's payment the provider knows of and we had not recorded: the cancel records it. */
  payment: PaymentNotification | null;
}

interface LockedOrder {
  id: string;
  member_id: string;
  state: OrderState;
  payable_fen: number;
  points_used: number;
}

/**
 * What happens to an order after it is placed: payment, cancellation, expiry. Every state
 * change goes through the domain's transitions table, under the order's row lock.
 */
@Injectable()
export class OrderLifecycleService {
  private readonly logger = new Logger(OrderLifecycleService.name);
  /** Stock each transaction gives back, by campaign, until its before-commit pass. */
  private readonly stockReturns = new WeakMap<object, Map<string, number>>();

  constructor(
    private readonly connection: TransactionalConnection,
    private readonly ledger: PointsLedger,
    private readonly clock: Clock,
    private readonly transitions: OrderTransitions,
    private readonly commission: CommissionLedger,
    private readonly benefits: MemberBenefitsService,
    @Inject(PAYMENT_PROVIDER) private readonly payments: PaymentProvider,
    private readonly notifyUrls: NotifyUrls,
    private readonly refunds: ProviderRefunds,
    private readonly notifications: NotificationsService,
    private readonly coupons: CouponsService,
  ) {}

  /**
   * Starts paying one of the member's orders; the sandbox confirms through the notify endpoint
   * before this returns. An order the provider says is paid already needs nothing more.
   */
  async startPayment(
    ctx: RequestContext,
    memberId: string,
    orderId: string,
  ): Promise<PaymentStart> {
    const [order] = await this.connection.query<{
      state: OrderState;
      payable_fen: number;
      openid: string;
      expires_at: Date;
      cuts_off_at: Date;
    }>(
      ctx,
      `SELECT o.state, o.payable_fen, o.expires_at, m.openid,
         (SELECT min(c.cuts_off_at) FROM order_lines l JOIN campaigns c ON c.id = l.campaign_id
          WHERE l.order_id = o.id) AS cuts_off_at
       FROM orders o JOIN members m ON m.id = o.member_id
       WHERE o.id = $1 AND o.member_id = $2`,
      [orderId, memberId],
    );
    if (!order) throw AppException.notFound('Order', { orderId });
    // Orders placed before the window was capped at the cut-off may still run past it.
    const payBy = order.expires_at < order.cuts_off_at ? order.expires_at : order.cuts_off_at;
    if (order.state !== 'pending_payment' || payBy <= this.clock.now())
      throw orderStateInvalid(order.state, 'pay');
    const start = await this.payments
      .start({
        orderId,
        amountFen: order.payable_fen,
        description: '邻里团购订单',
        openid: order.openid,
        notifyUrl: this.notifyUrls.payment(this.payments.name),
        expiresAt: payBy,
      })
      .catch((error: unknown) => {
        if (error instanceof PaymentClosed) throw orderStateInvalid(order.state, 'pay');
        if (error instanceof ProviderUnavailable)
          throw new AppException(
            HttpStatus.BAD_GATEWAY,
            ErrorCode.WechatUnavailable,
            'WeChat Pay did not answer, try again',
          );
        throw error;
      });
    // Nothing left to pay: a payment whose notice has not come yet is recorded now, from the
    // provider's own answer, so that the member sees their order paid.
    if (start.kind === 'completed') {
      const found = await this.paymentAtProvider(orderId);
      if (found !== 'unpaid' && found !== 'paying')
        await this.connection.withTransaction(ctx, () => this.recordPayment(ctx, found, 'close'));
    }
    return start;
  }

  /**
   * A provider says an order was paid. Exactly once per transaction; an amount that differs
   * from the order is logged, and refused when a notice says it (`mismatch: 'refuse'`); when the
   * provider's own answer to a question says it (`'close'`), the money is there: the order is
   * closed and that payment refunded. A payment for an order cancelled meanwhile is refunded, and
   * so is a second payment for an order that already has one.
   */
  async recordPayment(
    ctx: RequestContext,
    notification: PaymentNotification,
    mismatch: 'refuse' | 'close' = 'refuse',
  ): Promise<void> {
    const order = await this.lock(ctx, notification.orderId);
    if (!order) throw AppException.notFound('Order', { orderId: notification.orderId });
    // Under the order's lock: the payment found here is the one every later notice sees.
    const [earlier] = await this.connection.query<{ provider: string; transaction_id: string }>(
      ctx,
      `SELECT provider, transaction_id FROM payments WHERE order_id = $1`,
      [order.id],
    );
    if (earlier) {
      if (
        earlier.provider === this.payments.name &&
        earlier.transaction_id === notification.transactionId
      )
        return; // a replay of a notification already handled
      // The shopper paid the same order twice (two sheets, two devices): the second goes back.
      this.logger.warn(
        { orderId: order.id, transactionId: notification.transactionId },
        'second payment for an order already paid: refunding it',
      );
      await this.refundDuplicatePayment(ctx, order, notification);
      return;
    }
    const recorded = await this.connection.query(
      ctx,
      `INSERT INTO payments (order_id, provider, transaction_id, amount_fen, paid_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (provider, transaction_id) DO NOTHING RETURNING id`,
      [
        order.id,
        this.payments.name,
        notification.transactionId,
        notification.amountFen,
        notification.paidAt,
      ],
    );
    if (recorded.length === 0) {
      this.logger.error(
        { orderId: order.id, transactionId: notification.transactionId },
        'transaction already recorded for another order: ignored',
      );
      return;
    }
    if (notification.amountFen !== order.payable_fen) {
      this.logger.error(
        { orderId: order.id, expected: order.payable_fen, notified: notification.amountFen },
        'payment amount mismatch',
      );
      if (mismatch === 'refuse')
        throw new AppException(
          HttpStatus.BAD_REQUEST,
          ErrorCode.PaymentAmountMismatch,
          'The paid amount does not match the order',
          {
            orderId: order.id,
          },
        );
      if (order.state === 'pending_payment') await this.release(ctx, order, 'expire');
      // Not the order's money, more or less than it: paid back as a payment of its own.
      await this.refundLatePayment(
        ctx,
        order,
        notification.amountFen,
        '金额与订单不符，订单已关闭',
        {
          transactionId: notification.transactionId,
          totalFen: notification.amountFen,
        },
      );
      return;
    }
    if (order.state !== 'pending_payment') {
      this.logger.warn(
        { orderId: order.id, state: order.state },
        'payment for an order no longer awaiting it: refunding',
      );
      await this.refundLatePayment(ctx, order, notification.amountFen, '订单已取消');
      return;
    }
    // A payment made before the cut-off joins the group-buy while the cut-off job has not
    // decided it yet, however late the provider's notice comes; one made after, or reaching a
    // group-buy already decided, is too late. The earlier of the two clocks counts.
    const now = this.clock.now();
    const paidBy = notification.paidAt < now ? notification.paidAt : now;
    if (await this.closedCampaign(ctx, order.id, paidBy)) {
      this.logger.warn({ orderId: order.id }, 'payment after cut-off: cancelling and refunding');
      await this.release(ctx, order, 'expire');
      await this.refundLatePayment(ctx, order, notification.amountFen, '团购已截团，订单已关闭');
      return;
    }
    const earned = await this.pointsEarned(ctx, order, notification.paidAt);
    await this.transitions.apply(ctx, order, 'pay', {
      paid_at: notification.paidAt,
      points_to_earn: earned,
    });
    await this.commission.onPaid(ctx, order.id);
    await this.ledger.earnPending(ctx, order.member_id, { type: 'order', id: order.id }, earned);
  }

  /**
   * Pays back a payment that came when its order no longer took it, and tells the shopper, who
   * paid and got nothing: once, however often the provider repeats its notice. `closed` says
   * what the payment found.
   */
  private async refundLatePayment(
    ctx: RequestContext,
    order: LockedOrder,
    amountFen: number,
    closed: string,
    surplus?: { transactionId: string; totalFen: number },
  ): Promise<void> {
    await this.refundMoney(ctx, order.id, amountFen, LATE_PAYMENT, surplus);
    await this.notifications.notify(ctx, order.member_id, {
      kind: 'order_refunded',
      dedupeKey: `order-refunded:${order.id}:${LATE_PAYMENT}`,
      title: '订单已关闭，付款将退回',
      body: `付款到账时${closed}，${formatYuan(amountFen)} 将原路退回。`,
      data: { orderId: order.id, refundFen: amountFen },
    });
  }

  /**
   * Pays back a further payment of an order already paid, and tells the shopper, who sees the
   * money twice on their statement: once per payment, however often the provider repeats its
   * notice.
   */
  private async refundDuplicatePayment(
    ctx: RequestContext,
    order: LockedOrder,
    payment: PaymentNotification,
  ): Promise<void> {
    const reason = `duplicate-payment:${payment.transactionId}`;
    await this.refundMoney(ctx, order.id, payment.amountFen, reason, {
      transactionId: payment.transactionId,
      totalFen: payment.amountFen,
    });
    await this.notifications.notify(ctx, order.member_id, {
      kind: 'order_refunded',
      dedupeKey: `order-refunded:${order.id}:${reason}`,
      title: '重复付款，多付的一笔将退回',
      body: `订单已付款，又收到一笔 ${formatYuan(payment.amountFen)} 的付款，这笔将原路退回。`,
      data: { orderId: order.id, refundFen: payment.amountFen },
    });
  }

  /**
   * Points are earned on payment, with the tier and member day of that moment, even when the
   * provider's notice arrives after midnight: the figure the order was placed with was only an
   * estimate. The order keeps what was earned (recorded as it becomes paid), which is what
   * refunds claw back.
   */
  private async pointsEarned(
    ctx: RequestContext,
    order: LockedOrder,
    paidAt: Date,
  ): Promise<number> {
    const { policy, benefits } = await this.benefits.standing(ctx, order.member_id, paidAt);
    return pointsToEarn({
      paidFen: order.payable_fen,
      pointsPerYuan: policy.earnPointsPerYuan,
      tierMultiplierPct: benefits.pointsMultiplierPct,
      memberDayMultiplierPct: benefits.memberDayMultiplierPct,
    });
  }

  /**
   * What the payment provider says of one of the member's orders about to be cancelled, asked
   * holding no transaction, as the provider may take seconds to answer: for one awaiting payment
   * whose payment may have gone unnotified, a payment found (recorded by the cancel, and so
   * refunded by it); one being paid at this moment cannot be cancelled yet. One it says is
   * unpaid is closed there, so that the payer can no longer pay it. Nothing to ask about an
   * order in any other state.
   */
  async beforeCancel(
    ctx: RequestContext,
    memberId: string,
    orderId: string,
  ): Promise<CancelAtProvider> {
    const [seen] = await this.connection.query<{ state: OrderState }>(
      ctx,
      `SELECT state FROM orders WHERE id = $1 AND member_id = $2`,
      [orderId, memberId],
    );
    if (!seen) throw AppException.notFound('Order', { orderId });
    if (seen.state !== 'pending_payment') return { awaitedPayment: false, payment: null };
    const found = await this.paymentAtProvider(orderId);
    if (found === 'paying' || (found === 'unpaid' && (await this.closeAtProvider(orderId))))
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.OrderStateInvalid,
        'The order is being paid at this moment',
        { state: seen.state, event: 'cancel', paying: true },
      );
    return { awaitedPayment: true, payment: found === 'unpaid' ? null : found };
  }

  /**
   * The member cancels their order, in the request's transaction, once `beforeCancel` has asked
   * the provider about it: one awaiting payment, or one paid while its group-buys still take
   * orders (refunded).
   */
  async cancel(
    ctx: RequestContext,
    memberId: string,
    orderId: string,
    atProvider: CancelAtProvider,
  ): Promise<void> {
    if (atProvider.payment) {
      // The order first, as its notice recording the payment takes it. Recording it earns
      // points (the member's points account) before the cancel gives back the member's
      // quantities: those are taken next, before the account, as placing an order takes them.
      await this.lock(ctx, orderId);
      await this.holdQuantities(ctx, orderId, memberId);
      await this.recordPayment(ctx, atProvider.payment, 'close');
    }
    const order = await this.lock(ctx, orderId);
    if (!order || order.member_id !== memberId) throw AppException.notFound('Order', { orderId });
    // The payment just found came too late, or was not the order's amount: closed and refunded.
    if (atProvider.awaitedPayment && order.state === 'cancelled') return;
    if (order.state === 'paid') {
      // A paid order can be cancelled only while every campaign in it is still taking orders.
      const closed = await this.closedCampaign(ctx, orderId, this.clock.now());
      if (closed) throw campaignNotOpen(closed, 'cut_off');
    }
    await this.release(ctx, order, 'cancel');
  }

  /**
   * Settles up to `limit` orders whose payment window has passed. The provider is asked about
   * each first, holding no lock, as a payment made in time may have gone unnotified (its
   * notifications failing for a day). Each order is then settled in a transaction of its own,
   * if it is still unpaid: recorded as paid when the provider says so (closed and refunded when
   * the amount paid is not the order's), else cancelled, giving back stock and points. One still
   * being paid waits; one whose answer cannot be used, or whose settling fails, is logged and
   * passed over; when the provider does not answer, the rest wait for the next run. How many it
   * settled.
   */
  async expireUnpaid(ctx: RequestContext, limit: number): Promise<number> {
    const now = this.clock.now();
    const due = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT id FROM orders WHERE state = 'pending_payment' AND expires_at <= $1
       ORDER BY expires_at LIMIT $2`,
      [now, limit],
    );
    let settled = 0;
    for (const { id } of due) {
      let found: Awaited<ReturnType<PaymentProvider['findPayment']>>;
      try {
        found = await this.payments.findPayment(id);
      } catch (error) {
        if (error instanceof AppException) {
          this.logger.error(
            { err: error, orderId: id },
            'the provider says something unusable about an unpaid order',
          );
          continue;
        }
        this.logger.warn(
          { err: error, orderId: id },
          'the payment provider cannot tell whether an unpaid order past its deadline was paid: asking again next run',
        );
        break;
      }
      if (found === 'paying' || (found !== 'unpaid' && found.orderId !== id)) continue;
      const own = RequestContext.forSystem('expire-unpaid');
      try {
        const done = await this.connection.withTransaction(own, async () => {
          const [order] = await this.connection.query<LockedOrder>(
            own,
            `SELECT id, member_id, state, payable_fen, points_used FROM orders
             WHERE id = $1 AND state = 'pending_payment' AND expires_at <= $2 FOR UPDATE SKIP LOCKED`,
            [id, now],
          );
          if (!order) return false;
          if (found === 'unpaid') await this.release(own, order, 'expire');
          else await this.recordPayment(own, found, 'close');
          return true;
        });
        if (done) settled += 1;
      } catch (error) {
        this.logger.error(
          { err: error, orderId: id },
          'an unpaid order past its deadline could not be settled',
        );
      }
    }
    return settled;
  }

  /**
   * What the provider says of an order's payment, for a cancel or a payment: 'unpaid' too when
   * it cannot say (down, or an answer that cannot be used), as they then go on as before it
   * asked.
   */
  private async paymentAtProvider(
    orderId: string,
  ): Promise<PaymentNotification | 'unpaid' | 'paying'> {
    try {
      const found = await this.payments.findPayment(orderId);
      return found !== 'unpaid' && found !== 'paying' && found.orderId !== orderId
        ? 'unpaid'
        : found;
    } catch (error) {
      this.logger.warn(
        { err: error, orderId },
        'the payment provider cannot tell whether an order was paid',
      );
      return 'unpaid';
    }
  }

  /**
   * Closes an unpaid order at the provider, for a cancel: true when the provider keeps it open as
   * it was paid, or is being paid, meanwhile. When the provider cannot answer the cancel goes on,
   * as when it could not say whether the order was paid: a payment made after all is refunded
   * when its notice comes.
   */
  private async closeAtProvider(orderId: string): Promise<boolean> {
    try {
      return (await this.payments.close(orderId)) === 'paying';
    } catch (error) {
      this.logger.warn(
        { err: error, orderId },
        'the payment provider could not close an order being cancelled',
      );
      return false;
    }
  }

  /** Cancels an order and gives back what it held: stock, the member's quantities, spent points; refunds a paid one. */
  private async release(
    ctx: RequestContext,
    order: LockedOrder,
    event: 'cancel' | 'expire',
  ): Promise<void> {
    const wasPaid = order.state === 'paid';
    await this.transitions.apply(ctx, order, event);
    await this.holdQuantities(ctx, order.id, order.member_id);
    await this.connection.query(
      ctx,
      `UPDATE campaign_member_quantities q SET quantity = q.quantity - l.quantity FROM order_lines l
       WHERE l.order_id = $1 AND q.campaign_id = l.campaign_id AND q.member_id = $2`,
      [order.id, order.member_id],
    );
    this.returnStock(
      ctx,
      await this.connection.query<{ campaign_id: string; quantity: number }>(
        ctx,
        `SELECT campaign_id, quantity FROM order_lines WHERE order_id = $1`,
        [order.id],
      ),
    );
    const source = { type: 'order', id: order.id };
    if (order.points_used > 0) {
      await this.ledger.returnSpent(
        ctx,
        order.member_id,
        source,
        `order-cancel:${order.id}`,
        order.points_used,
      );
    }
    if (wasPaid) {
      await this.ledger.cancelPending(ctx, order.member_id, source);
      await this.commission.cancelOrder(ctx, order.id);
      await this.refundMoney(ctx, order.id, order.payable_fen, 'cancelled');
    }
    await this.coupons.giveBack(ctx, order.id);
  }

  /**
   * Locks the member's quantities of the order's campaigns in campaign-id order, as placing an
   * order takes them (before the points account): an update of them alone would take them in
   * whatever order it meets the order's lines.
   */
  private async holdQuantities(ctx: RequestContext, orderId: string, memberId: string) {
    await this.connection.query(
      ctx,
      `SELECT 1 FROM campaign_member_quantities
       WHERE member_id = $2 AND campaign_id IN (SELECT campaign_id FROM order_lines WHERE order_id = $1)
       ORDER BY campaign_id FOR UPDATE`,
      [orderId, memberId],
    );
  }

  /**
   * Gives stock back just before the commit, in campaign-id order, as placing an order takes it
   * (member quantities, then points, then campaigns): a cancel and an order of the same member
   * can never wait on each other in a cycle. Every order a transaction releases adds to one
   * pass, so a batch of the expiry job too takes the campaign rows in order.
   */
  private returnStock(
    ctx: RequestContext,
    lines: readonly { campaign_id: string; quantity: number }[],
  ): void {
    const transaction = ctx.manager;
    if (!transaction) throw new Error('stock is given back in a transaction');
    let returns = this.stockReturns.get(transaction);
    if (!returns) {
      const pending = new Map<string, number>();
      returns = pending;
      this.stockReturns.set(transaction, pending);
      ctx.beforeCommit(async () => {
        this.stockReturns.delete(transaction);
        const byCampaign = [...pending].sort(([a], [b]) => (a < b ? -1 : 1));
        for (const [campaignId, quantity] of byCampaign) {
          await this.connection.query(
            ctx,
            `UPDATE campaigns SET stock_left = stock_left + $2 WHERE id = $1`,
            [campaignId, quantity],
          );
        }
      });
    }
    for (const line of lines)
      returns.set(line.campaign_id, (returns.get(line.campaign_id) ?? 0) + line.quantity);
  }

  /**
   * Pays money back, once per (order, reason): the refund is recorded as requested in the
   * caller's transaction and asked of the provider once that has committed, under a refund
   * number derived from the same pair, so neither a rollback nor a retry can pay twice. The
   * money comes from the order's payment, or from `surplus`, a further payment the order never
   * counted (so its refunded total does not change).
   */
  async refundMoney(
    ctx: RequestContext,
    orderId: string,
    amountFen: number,
    reason: string,
    surplus?: { transactionId: string; totalFen: number },
  ): Promise<boolean> {
    if (amountFen <= 0) return false;
    let payment = surplus;
    if (!payment) {
      const [own] = await this.connection.query<{ transaction_id: string; amount_fen: number }>(
        ctx,
        `SELECT transaction_id, amount_fen FROM payments WHERE order_id = $1`,
        [orderId],
      );
      if (!own) throw new Error(`order ${orderId} has no payment to refund`);
      payment = { transactionId: own.transaction_id, totalFen: own.amount_fen };
    }
    const [recorded] = await this.connection.query<{ id: string }>(
      ctx,
      `INSERT INTO refunds (order_id, reason, amount_fen, provider_refund_id, status, transaction_id,
         total_fen, next_attempt_at)
       VALUES ($1, $2, $3, '', 'requested', $4, $5, $6)
       ON CONFLICT (order_id, reason) DO NOTHING RETURNING id`,
      [orderId, reason, amountFen, payment.transactionId, payment.totalFen, this.clock.now()],
    );
    if (!recorded) return false;
    if (!surplus) {
      await this.connection.query(
        ctx,
        `UPDATE orders SET refunded_fen = refunded_fen + $2 WHERE id = $1`,
        [orderId, amountFen],
      );
    }
    this.refunds.sendAfterCommit(ctx, recorded.id);
    return true;
  }

  /**
   * The first campaign of the order that is decided, or whose cut-off time has come by `at`,
   * whether or not the cut-off job has decided it yet: the buyers it counts are those paid by
   * then. The order's
   * campaign rows stay key-share locked until the caller commits, so the job (which takes them
   * FOR UPDATE SKIP LOCKED) cannot count the campaign's buyers while this order may still
   * become paid or cancelled; it decides the campaign on a later run. The lock does not conflict
   * with the stock updates of orders being placed.
   */
  private async closedCampaign(
    ctx: RequestContext,
    orderId: string,
    at: Date,
  ): Promise<string | undefined> {
    const campaigns = await this.connection.query<{
      id: string;
      status: string;
      cuts_off_at: Date;
    }>(
      ctx,
      `SELECT c.id, c.status, c.cuts_off_at FROM campaigns c
       WHERE c.id IN (SELECT l.campaign_id FROM order_lines l WHERE l.order_id = $1)
       ORDER BY c.id FOR KEY SHARE`,
      [orderId],
    );
    return campaigns.find((c) => c.status !== 'published' || c.cuts_off_at <= at)?.id;
  }

  private async lock(ctx: RequestContext, orderId: string): Promise<LockedOrder | undefined> {
    const [order] = await this.connection.query<LockedOrder>(
      ctx,
      `SELECT id, member_id, state, payable_fen, points_used FROM orders WHERE id = $1 FOR UPDATE`,
      [orderId],
    );
    return order;
  }
}
