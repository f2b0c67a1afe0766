import { Inject, Injectable, Logger } from '@nestjs/common';
import { formatYuan } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { NotificationsService } from '../notifications/notifications.service';
import { NotifyUrls } from '../payments/notify-urls';
import {
  PAYMENT_PROVIDER,
  PaymentProvider,
  RefundNotification,
  RefundRefused,
  RefundStatus,
} from '../payments/payment-provider';

/** The first retry of a refund the provider did not take comes after this; each next one doubles it. */
const FIRST_RETRY_MS = 60_000;
const LONGEST_RETRY_MS = 60 * 60_000;
/** From this many failed requests on, each further failure is logged as an error for operators. */
const ATTEMPTS_BEFORE_ALARM = 3;
/**
 * A refund the provider took as processing is asked about when its outcome has not been notified
 * this long after (WeChat Pay settles most within minutes); while it stays so, each next look-up
 * waits twice as long as the last, up to LONGEST_LOOK_UP_WAIT_MS.
 */
const FIRST_LOOK_UP_MS = 10 * 60_000;
const LONGEST_LOOK_UP_WAIT_MS = 4 * 60 * 60_000;
/**
 * A refund still without an outcome this long after its look-ups began is stalled: asking on
 * will not tell more (WeChat Pay pays back even to a bank card within a few working days), so
 * it is left to an operator, and to the provider's notice should it still come.
 */
const STALLED_AFTER_MS = 3 * 24 * 60 * 60_000;
/**
 * SQL: the refund is not being asked for at `now` (a SQL parameter). A claim older than two
 * minutes no longer counts (the provider's client gives up far sooner): its sender stopped, and
 * the refund may be claimed, or settled, again.
 */
export const notBeingSent = (now: string) =>
  `(sending_since IS NULL OR sending_since < ${now}::timestamptz - interval '2 minutes')`;

/**
 * Why money goes back, as the payer reads it in the provider's refund message (WeChat Pay shows
 * the reason it is sent, 80 bytes at most), by the kind of refund: its reason up to any ':'.
 */
const PAYER_REASONS: Record<string, string> = {
  cancelled: '订单已取消，货款原路退回',
  'late-payment': '订单已关闭，付款原路退回',
  'duplicate-payment': '重复付款，多付的一笔原路退回',
  'campaign-failed': '团购未成团，货款原路退回',
  'after-sales': '售后退款，货款原路退回',
};

const payerReason = (reason: string) => PAYER_REASONS[reason.split(':')[0]] ?? '退款';

/** When a refund the provider took as processing at `at` is first asked about, if no notice came. */
const lookUpFrom = (at: Date) => new Date(at.getTime() + FIRST_LOOK_UP_MS);

/** A refund the provider has just ended, as its payer is told about it. */
interface EndedRefund {
  id: string;
  order_id: string;
  reason: string;
  amount_fen: number;
  provider_refund_id: string;
  received_account: string | null;
}

const ENDED_REFUND = 'id, order_id, reason, amount_fen, provider_refund_id, received_account';

/** A refund whose outcome is due to be asked about. */
interface DueRefund {
  id: string;
  order_id: string;
  reason: string;
  look_ups_since: Date;
}

interface ClaimedRefund {
  id: string;
  order_id: string;
  reason: string;
  amount_fen: number;
  transaction_id: string;
  total_fen: number;
  attempts: number;
}

/**
 * Refunds at the payment provider: asks for those that committed transactions recorded as
 * requested, and records how the provider says they ended, in a notification or, when that does
 * not come, when asked.
 * next_attempt_at is when the provider is next asked about a refund: for it (requested), or how
 * it ended (processing); a stalled one is no longer asked about.
 * A refund is claimed before it is asked for (sending_since, and its next attempt moved into
 * the future), so two senders never ask at once and an operator cannot settle it meanwhile;
 * one whose sender stopped mid-request is asked again later. The provider refunds a refund
 * number once, so asking again never pays twice. No transaction is held while the provider
 * answers.
 */
@Injectable()
export class ProviderRefunds {
  private readonly logger = new Logger(ProviderRefunds.name);

  constructor(
    private readonly connection: TransactionalConnection,
    private readonly clock: Clock,
    @Inject(PAYMENT_PROVIDER) private readonly payments: PaymentProvider,
    private readonly notifyUrls: NotifyUrls,
    private readonly notifications: NotificationsService,
  ) {}

  /** Asks for the refund once the context's transaction, which recorded it, has committed. */
  sendAfterCommit(ctx: RequestContext, refundId: string): void {
    ctx.afterCommit(() => this.send(refundId));
  }

  /**
   * Queues up to `limit` requested refunds whose next attempt is due, to be asked for once the
   * context's transaction has committed; how many it queued.
   */
  async sendDueAfterCommit(ctx: RequestContext, limit: number): Promise<number> {
    const due = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT id FROM refunds WHERE status = 'requested' AND next_attempt_at <= $1
         AND ${notBeingSent('$1')}
       ORDER BY next_attempt_at LIMIT $2`,
      [this.clock.now(), limit],
    );
    for (const { id } of due) this.sendAfterCommit(ctx, id);
    return due.length;
  }

  /** Asks the provider for one refund if it is still requested and due; never throws. */
  private async send(refundId: string): Promise<void> {
    const ctx = RequestContext.forSystem('send-refund');
    try {
      const refund = await this.claim(ctx, refundId);
      if (refund) await this.ask(ctx, refund);
    } catch (error) {
      this.logger.error({ err: error, refundId }, 'refund could not be claimed or recorded');
    }
  }

  private async claim(ctx: RequestContext, refundId: string): Promise<ClaimedRefund | undefined> {
    const now = this.clock.now();
    const [refund] = await this.connection.query<ClaimedRefund>(
      ctx,
      // Asking again makes the last refusal stale: until this attempt's answer is recorded the
      // provider may have made the refund, so an operator may not settle it meanwhile.
      // The doubling stops well before it could overflow, however many attempts have failed.
      `UPDATE refunds SET attempts = attempts + 1, sending_since = $2, last_refused = false,
         next_attempt_at = $2::timestamptz + least($3::float8 * 2 ^ least(attempts, 30), $4::float8) * interval '1 millisecond'
       WHERE id = $1 AND status = 'requested' AND next_attempt_at <= $2
         AND ${notBeingSent('$2')}
       RETURNING id, order_id, reason, amount_fen, transaction_id, total_fen, attempts`,
      [refundId, now, FIRST_RETRY_MS, LONGEST_RETRY_MS],
    );
    return refund;
  }

  private async ask(ctx: RequestContext, refund: ClaimedRefund): Promise<void> {
    let answer;
    try {
      answer = await this.payments.refund({
        orderId: refund.order_id,
        transactionId: refund.transaction_id,
        amountFen: refund.amount_fen,
        totalFen: refund.total_fen,
        reason: refund.reason,
        payerReason: payerReason(refund.reason),
        notifyUrl: this.notifyUrls.refund(this.payments.name),
      });
    } catch (error) {
      await this.connection.query(
        ctx,
        `UPDATE refunds SET last_error = $2, last_refused = $3, sending_since = NULL WHERE id = $1`,
        [
          refund.id,
          String((error as Error).message ?? error).slice(0, 500),
          error instanceof RefundRefused,
        ],
      );
      const details = { err: error, refundId: refund.id, attempts: refund.attempts };
      if (refund.attempts >= ATTEMPTS_BEFORE_ALARM) {
        this.logger.error(details, 'refund still not taken by the provider: will ask again');
      } else {
        this.logger.warn(details, 'refund not taken by the provider: will ask again');
      }
      return;
    }
    const answered = this.clock.now();
    const processing = answer.status === 'processing';
    // The refund's outcome and what its payer is told of it commit together.
    await this.connection.withTransaction(ctx, async () => {
      const [taken] = await this.connection.query<EndedRefund>(
        ctx,
        `UPDATE refunds SET provider_refund_id = $2, status = $3, settled_at = $4,
           received_account = $5, last_error = NULL, last_refused = false, sending_since = NULL,
           next_attempt_at = $6, look_ups_since = $7
         WHERE id = $1 AND status = 'requested'
         RETURNING ${ENDED_REFUND}`,
        [
          refund.id,
          answer.refundId,
          answer.status,
          answer.settledAt,
          answer.receivedAccount,
          processing ? lookUpFrom(answered) : null,
          processing ? answered : null,
        ],
      );
      if (taken && answer.status !== 'processing') await this.ended(ctx, taken, answer.status);
    });
  }

  /**
   * Asks the provider how up to `limit` refunds ended that it took as processing and whose
   * outcome was not notified by their next_attempt_at (the notify URL was down, a notice was
   * lost: WeChat Pay stops sending after a day). Each is asked about holding no lock, then its
   * outcome is recorded in a transaction of its own exactly as its notification would be, so a
   * notification and a query that cross settle it once. One still processing, one the provider
   * says something unusable about, or whose outcome cannot be recorded, is asked about again
   * later (lookUpLater). When the provider does not answer, or not with an answer that can be
   * taken as its own, the refund stays as it is and the rest wait for the next run. How many it
   * settled.
   */
  async settleUnnotified(ctx: RequestContext, limit: number): Promise<number> {
    const due = await this.connection.query<DueRefund>(
      ctx,
      `SELECT id, order_id, reason, look_ups_since FROM refunds
       WHERE status = 'processing' AND next_attempt_at <= $1
       ORDER BY next_attempt_at LIMIT $2`,
      [this.clock.now(), limit],
    );
    let settled = 0;
    for (const refund of due) {
      const details = { refundId: refund.id, orderId: refund.order_id };
      let outcome: RefundNotification | undefined;
      try {
        const found = await this.payments.findRefund({
          orderId: refund.order_id,
          reason: refund.reason,
        });
        if (!found) {
          this.logger.error(
            details,
            'the payment provider has no record of a refund it took: an operator must look',
          );
        } else if (found.status !== 'processing') {
          outcome = {
            orderId: refund.order_id,
            refundId: found.refundId,
            status: found.status,
            settledAt: found.settledAt,
            receivedAccount: found.receivedAccount,
          };
        }
      } catch (error) {
        if (!(error instanceof AppException)) {
          this.logger.warn(
            { ...details, err: error },
            'the payment provider cannot tell how a refund ended: asking again next run',
          );
          break;
        }
        this.logger.error(
          { ...details, err: error },
          'the payment provider says something unusable about a refund',
        );
      }
      const own = RequestContext.forSystem('settle-unnotified-refund');
      if (outcome) {
        const notified = outcome;
        try {
          await this.connection.withTransaction(own, () => this.recordOutcome(own, notified));
          settled += 1;
          continue;
        } catch (error) {
          this.logger.error(
            { ...details, err: error },
            'the outcome of a refund could not be recorded: asking again later',
          );
        }
      }
      await this.lookUpLater(own, refund).catch((error: unknown) =>
        this.logger.error(
          { ...details, err: error },
          'the next look-up of a refund could not be set',
        ),
      );
    }
    return settled;
  }

  /**
   * A refund a look-up did not settle is asked about again twice as long after as the last time
   * (up to LONGEST_LOOK_UP_WAIT_MS), or, once STALLED_AFTER_MS have passed since its look-ups
   * began, no more: it is stalled, listed for operators and logged as an error for them.
   */
  private async lookUpLater(ctx: RequestContext, refund: DueRefund): Promise<void> {
    const now = this.clock.now();
    if (now.getTime() - refund.look_ups_since.getTime() < STALLED_AFTER_MS) {
      await this.connection.query(
        ctx,
        `UPDATE refunds SET look_ups = look_ups + 1,
           next_attempt_at = $2::timestamptz + least($3::float8 * 2 ^ (look_ups + 1), $4::float8) * interval '1 millisecond'
         WHERE id = $1 AND status = 'processing'`,
        [refund.id, now, FIRST_LOOK_UP_MS, LONGEST_LOOK_UP_WAIT_MS],
      );
      return;
    }
    const stalled = await this.connection.query(
      ctx,
      `UPDATE refunds SET status = 'stalled', look_ups = look_ups + 1, next_attempt_at = NULL
       WHERE id = $1 AND status = 'processing' RETURNING id`,
      [refund.id],
    );
    if (stalled.length > 0) {
      this.logger.error(
        { refundId: refund.id, orderId: refund.order_id, lookUpsSince: refund.look_ups_since },
        'refund still without an outcome after days of asking: no longer asked about, an operator must look',
      );
    }
  }

  /**
   * A provider says how a refund ended. Only a refund still processing, stalled (no longer asked
   * about, but the provider may still end it), or abnormal (an operator may have had it paid out
   * another way since), moves; a replay, or a notice for a refund already settled, changes
   * nothing. A refund this service never asked for is refused like a payment for an unknown
   * order, so the provider keeps it visible.
   */
  async recordOutcome(ctx: RequestContext, notification: RefundNotification): Promise<void> {
    const [moved] = await this.connection.query<EndedRefund>(
      ctx,
      `UPDATE refunds SET status = $3, settled_at = $4, received_account = coalesce($5, received_account)
       WHERE order_id = $1 AND provider_refund_id = $2
         AND status IN ('processing', 'stalled', 'abnormal')
         AND status <> $3
       RETURNING ${ENDED_REFUND}`,
      [
        notification.orderId,
        notification.refundId,
        notification.status,
        notification.settledAt,
        notification.receivedAccount,
      ],
    );
    if (moved) {
      await this.ended(ctx, moved, notification.status);
      return;
    }
    const [known] = await this.connection.query<{ status: string; amount_fen: number }>(
      ctx,
      `SELECT status, amount_fen FROM refunds WHERE order_id = $1 AND provider_refund_id = $2`,
      [notification.orderId, notification.refundId],
    );
    if (known) {
      if (known.status === 'settled_by_operator' && notification.status === 'succeeded') {
        // An operator paid it out another way, and the provider has now paid it too.
        this.logger.error(
          {
            orderId: notification.orderId,
            refundId: notification.refundId,
            amountFen: known.amount_fen,
          },
          'refund paid by the provider after an operator paid it another way: paid twice, an operator must recover it',
        );
      }
      return;
    }
    this.logger.warn(
      { orderId: notification.orderId, refundId: notification.refundId },
      'refund notification for a refund not on record',
    );
    throw AppException.notFound('Refund', {
      orderId: notification.orderId,
      refundId: notification.refundId,
    });
  }

  /**
   * The provider ended a refund: its payer is told, once per refund and outcome however often the
   * provider says so, that the money is back or that the platform takes the refund up; one that
   * did not reach them is an alarm for operators.
   */
  private async ended(
    ctx: RequestContext,
    refund: EndedRefund,
    status: Exclude<RefundStatus, 'processing'>,
  ): Promise<void> {
    const reached = status === 'succeeded';
    if (!reached) {
      this.logger.error(
        {
          orderId: refund.order_id,
          refundId: refund.provider_refund_id,
          reason: refund.reason,
          amountFen: refund.amount_fen,
          status,
          receivedAccount: refund.received_account,
        },
        'refund did not reach the payer: an operator must act',
      );
    }
    await this.tellPayer(ctx, refund, reached ? 'arrived' : 'not-reached');
  }

  /**
   * Tells the payer how their refund ended, once per refund and outcome: the money is back, it
   * could not go back and the platform's staff take it up, or they paid it out another way.
   */
  async tellPayer(
    ctx: RequestContext,
    refund: Pick<EndedRefund, 'id' | 'order_id' | 'amount_fen' | 'received_account'>,
    outcome: 'arrived' | 'not-reached' | 'paid-by-operator',
  ): Promise<void> {
    const [order] = await this.connection.query<{ member_id: string; goods: string }>(
      ctx,
      `SELECT o.member_id, string_agg(c.title, '、' ORDER BY c.title) AS goods
       FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN campaigns c ON c.id = l.campaign_id
       WHERE o.id = $1 GROUP BY o.member_id`,
      [refund.order_id],
    );
    const money = `「${order.goods}」订单退款 ${formatYuan(refund.amount_fen)}`;
    const account = refund.received_account ? `，退至${refund.received_account}` : '';
    const told = {
      arrived: { title: '退款已到账', body: `${money} 已到账${account}。` },
      'not-reached': {
        title: '退款需平台协助',
        body: `${money} 未能退回原支付账户，平台工作人员会尽快联系你处理。`,
      },
      'paid-by-operator': {
        title: '退款已由平台退还',
        body: `${money} 已由平台工作人员通过其他方式退还给你。`,
      },
    }[outcome];
    await this.notifications.notify(ctx, order.member_id, {
      kind: 'refund_settled',
      dedupeKey: `refund-settled:${refund.id}:${outcome}`,
      ...told,
      data: { orderId: refund.order_id, refundFen: refund.amount_fen },
    });
  }
}
