import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { decodeCursor, keysetPage } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AuditService } from '../audit/audit.service';
import {
  PaymentRefundPage,
  PaymentRefundQuery,
  PaymentRefundStatus,
  PaymentRefundView,
} from './dto/payment-refund.dto';
import { notBeingSent, ProviderRefunds } from './provider-refunds.service';

const REFUND_COLUMNS = `id, order_id, amount_fen, reason, status, provider_refund_id, attempts,
  last_error, last_refused, next_attempt_at, received_account, operator_note, created_at, settled_at,
  created_at::text AS cursor_at`;

interface RefundRow {
  id: string;
  order_id: string;
  amount_fen: number;
  reason: string;
  status: PaymentRefundStatus;
  provider_refund_id: string;
  attempts: number;
  last_error: string | null;
  last_refused: boolean;
  next_attempt_at: Date | null;
  received_account: string | null;
  operator_note: string | null;
  created_at: Date;
  settled_at: Date | null;
  cursor_at: string;
}

/** The operator's view of money paid back through the provider, newest first. */
@Injectable()
export class PaymentRefundsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly providerRefunds: ProviderRefunds,
  ) {}

  async list(ctx: RequestContext, query: PaymentRefundQuery): Promise<PaymentRefundPage> {
    const after = decodeCursor(query.cursor);
    const rows = await this.connection.query<RefundRow>(
      ctx,
      `SELECT ${REFUND_COLUMNS}
       FROM refunds
       WHERE ($1::text IS NULL OR status = $1) AND ($5::uuid IS NULL OR order_id = $5)
         AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [
        query.status ?? null,
        after?.at ?? null,
        after?.id ?? null,
        query.limit + 1,
        query.orderId ?? null,
      ],
    );
    const { shown, nextCursor } = keysetPage(rows, query.limit);
    return { items: shown.map(toView), nextCursor };
  }

  /**
   * Records that an operator paid a refund out another way: the refund is then settled, with
   * how, and audited. Only a refund that did not reach the payer may be: abnormal or closed at
   * the provider, or still requested after the provider refused it the last time it was asked
   * (not after a timeout or a server error, when it may have paid), and not being sent right
   * now (a sender's claim and this update exclude each other). Any other is refused (409): a
   * stalled one too, as the provider may still pay it.
   */
  async settleByOperator(
    ctx: RequestContext,
    refundId: string,
    note: string,
  ): Promise<PaymentRefundView> {
    const [settled] = await this.connection.query<RefundRow>(
      ctx,
      `UPDATE refunds SET status = 'settled_by_operator', settled_at = $3, operator_note = $2,
         sending_since = NULL
       WHERE id = $1 AND (status IN ('abnormal', 'closed')
         OR (status = 'requested' AND last_refused AND ${notBeingSent('$3')}))
       RETURNING ${REFUND_COLUMNS}`,
      [refundId, note, this.clock.now()],
    );
    if (!settled) {
      const status = await this.statusOf(ctx, refundId);
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.RefundNotAllowed,
        'Only a refund that did not reach the payer (abnormal, closed, or refused by the provider the last time it was asked and not being sent) can be settled by an operator',
        { refundId, status },
      );
    }
    await this.audit.record(
      ctx,
      'payment-refund.settle',
      { type: 'refund', id: refundId },
      {
        orderId: settled.order_id,
        amountFen: settled.amount_fen,
        note,
      },
    );
    await this.providerRefunds.tellPayer(ctx, settled, 'paid-by-operator');
    return toView(settled);
  }

  /**
   * An operator has the provider asked again how a stalled refund ended (they saw at the
   * provider that it has moved on, or want to know whether it has): it is processing again, due
   * at once, and its look-ups start over. Audited. Any refund not stalled is refused (409).
   */
  async lookUpAgain(ctx: RequestContext, refundId: string): Promise<PaymentRefundView> {
    const now = this.clock.now();
    const [resumed] = await this.connection.query<RefundRow>(
      ctx,
      `UPDATE refunds SET status = 'processing', look_ups = 0, look_ups_since = $2, next_attempt_at = $2
       WHERE id = $1 AND status = 'stalled'
       RETURNING ${REFUND_COLUMNS}`,
      [refundId, now],
    );
    if (!resumed) {
      const status = await this.statusOf(ctx, refundId);
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.RefundNotAllowed,
        'Only a stalled refund can be looked up again',
        { refundId, status },
      );
    }
    await this.audit.record(
      ctx,
      'payment-refund.look-up',
      { type: 'refund', id: refundId },
      { orderId: resumed.order_id, amountFen: resumed.amount_fen },
    );
    return toView(resumed);
  }

  /** Where a refund stands; 404 when there is no such refund. */
  private async statusOf(ctx: RequestContext, refundId: string): Promise<PaymentRefundStatus> {
    const [found] = await this.connection.query<{ status: PaymentRefundStatus }>(
      ctx,
      `SELECT status FROM refunds WHERE id = $1`,
      [refundId],
    );
    if (!found) throw AppException.notFound('Refund', { refundId });
    return found.status;
  }
}

function toView(r: RefundRow): PaymentRefundView {
  return {
    id: r.id,
    orderId: r.order_id,
    amount: r.amount_fen,
    reason: r.reason,
    status: r.status,
    providerRefundId: r.provider_refund_id,
    attempts: r.attempts,
    lastError: r.last_error,
    lastRefused: r.last_refused,
    // While requested: the next request; while processing: the next look-up of its outcome.
    nextAttemptAt:
      r.status === 'requested' || r.status === 'processing'
        ? (r.next_attempt_at?.toISOString() ?? null)
        : null,
    receivedAccount: r.received_account,
    operatorNote: r.operator_note,
    createdAt: r.created_at.toISOString(),
    settledAt: r.settled_at?.toISOString() ?? null,
  };
}
