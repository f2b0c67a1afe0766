import { HttpStatus, Injectable } from '@nestjs/common';
import { lineCommissionFen } from '@linli/domain';
import { ErrorCode, formatYuan } from '@linli/shared';
import { alreadyDecided } from '../../common/decision';
import { AppException } from '../../common/errors/app-exception';
import { decodeCursor, PageQuery, keysetPage } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { NotificationsService } from '../notifications/notifications.service';
import {
  CommissionEntryPage,
  CommissionTotals,
  Withdrawal,
  WithdrawalPage,
  WithdrawalStatus,
} from './dto/commission.dto';

interface WithdrawalRow {
  id: string;
  pickup_point_id: string;
  leader_member_id: string;
  amount_fen: number;
  status: WithdrawalStatus;
  decision_note: string | null;
  decided_at: Date | null;
  created_at: Date;
}

const toWithdrawal = (row: WithdrawalRow): Withdrawal => ({
  id: row.id,
  pickupPointId: row.pickup_point_id,
  amount: row.amount_fen,
  status: row.status,
  decisionNote: row.decision_note,
  decidedAt: row.decided_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
});

/**
 * A pickup point's commission: one entry per paid order line, pending on payment, frozen on
 * pickup, available when the after-sales window closes; refunds cancel part or all of it.
 * Entries move only by guarded updates; withdrawals are checked under the pickup point's
 * row lock, so two requests can never take the same money.
 */
@Injectable()
export class CommissionLedger {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Pending commission for every line of a paid order, at each campaign's rate; once per line. */
  async onPaid(ctx: RequestContext, orderId: string): Promise<void> {
    const lines = await this.connection.query<{
      id: string;
      payable_fen: number;
      commission_bps: number;
      pickup_point_id: string;
    }>(
      ctx,
      `SELECT l.id, l.payable_fen, c.commission_bps, o.pickup_point_id
       FROM order_lines l JOIN campaigns c ON c.id = l.campaign_id JOIN orders o ON o.id = l.order_id
       WHERE l.order_id = $1`,
      [orderId],
    );
    await this.connection.query(
      ctx,
      `INSERT INTO commission_entries (order_line_id, order_id, pickup_point_id, amount_fen)
       SELECT line_id, $1, point_id, amount FROM unnest($2::uuid[], $3::uuid[], $4::int[]) AS t(line_id, point_id, amount)
       ON CONFLICT (order_line_id) DO NOTHING`,
      [
        orderId,
        lines.map((l) => l.id),
        lines.map((l) => l.pickup_point_id),
        lines.map((l) => lineCommissionFen(l.payable_fen, l.commission_bps)),
      ],
    );
  }

  /** Cancels whatever is left of an order's commission (cancelled, failed, refunded in full). */
  async cancelOrder(ctx: RequestContext, orderId: string): Promise<void> {
    await this.connection.query(
      ctx,
      `UPDATE commission_entries SET cancelled_fen = amount_fen, state = 'cancelled', updated_at = now()
       WHERE order_id = $1 AND state <> 'cancelled'`,
      [orderId],
    );
  }

  /** Cancels part of a line's commission (a refund of some units); all of it turns the entry cancelled. */
  async cancelPart(ctx: RequestContext, orderLineId: string, amountFen: number): Promise<void> {
    if (amountFen <= 0) return;
    await this.connection.query(
      ctx,
      `UPDATE commission_entries SET cancelled_fen = cancelled_fen + $2,
         state = CASE WHEN cancelled_fen + $2 = amount_fen THEN 'cancelled' ELSE state END, updated_at = now()
       WHERE order_line_id = $1 AND state <> 'cancelled'`,
      [orderLineId, amountFen],
    );
  }

  /** The goods were picked up: the commission waits for the after-sales window. */
  async freeze(ctx: RequestContext, orderIds: readonly string[]): Promise<void> {
    await this.move(ctx, orderIds, ['pending'], 'frozen');
  }

  /** The after-sales window closed: the commission can be withdrawn. */
  async release(ctx: RequestContext, orderIds: readonly string[]): Promise<void> {
    await this.move(ctx, orderIds, ['pending', 'frozen'], 'available');
  }

  /**
   * Settlement: frozen commission whose order's after-sales window has closed, with no refund
   * request open, becomes available, whether or not the order has completed yet. The order
   * rows are locked with the entries, so that no refund request comes in beside a settlement;
   * one committed while the locking statement ran is not seen by it (a request locks its order
   * but does not change it), so the update asks again, under the locks. Returns how many
   * entries it looked at, those passed over included: the next batch does not pick them again.
   */
  async settleDue(ctx: RequestContext, now: Date, limit: number): Promise<number> {
    const due = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT e.id FROM commission_entries e JOIN orders o ON o.id = e.order_id
       WHERE e.state = 'frozen' AND o.after_sales_ends_at <= $1
         AND NOT EXISTS (SELECT 1 FROM refund_requests r WHERE r.order_id = o.id AND r.status = 'pending')
       ORDER BY o.after_sales_ends_at LIMIT $2 FOR UPDATE OF e, o SKIP LOCKED`,
      [now, limit],
    );
    await this.connection.query(
      ctx,
      `UPDATE commission_entries e SET state = 'available', updated_at = now()
       WHERE e.id = ANY($1::uuid[])
         AND NOT EXISTS (SELECT 1 FROM refund_requests r WHERE r.order_id = e.order_id AND r.status = 'pending')`,
      [due.map((e) => e.id)],
    );
    return due.length;
  }

  async totals(ctx: RequestContext, pickupPointId: string): Promise<CommissionTotals> {
    const [row] = await this.connection.query<{
      pending: number;
      frozen: number;
      available: number;
      cancelled: number;
      withdrawn: number;
      withdrawing: number;
    }>(
      ctx,
      `SELECT
         COALESCE(SUM(amount_fen - cancelled_fen) FILTER (WHERE state = 'pending'), 0)::int AS pending,
         COALESCE(SUM(amount_fen - cancelled_fen) FILTER (WHERE state = 'frozen'), 0)::int AS frozen,
         COALESCE(SUM(amount_fen - cancelled_fen) FILTER (WHERE state = 'available'), 0)::int AS available,
         COALESCE(SUM(cancelled_fen), 0)::int AS cancelled,
         (SELECT COALESCE(SUM(amount_fen), 0)::int FROM commission_withdrawals
           WHERE pickup_point_id = $1 AND status = 'approved') AS withdrawn,
         (SELECT COALESCE(SUM(amount_fen), 0)::int FROM commission_withdrawals
           WHERE pickup_point_id = $1 AND status = 'pending') AS withdrawing
       FROM commission_entries WHERE pickup_point_id = $1`,
      [pickupPointId],
    );
    return {
      ...row,
      withdrawable: row.available - row.withdrawn - row.withdrawing,
      minimumWithdrawal: this.config.COMMISSION_MIN_WITHDRAWAL_FEN,
    };
  }

  async entries(
    ctx: RequestContext,
    pickupPointId: string,
    page: PageQuery,
  ): Promise<CommissionEntryPage> {
    const after = decodeCursor(page.cursor);
    const rows = await this.connection.query<{
      id: string;
      order_id: string;
      title: string;
      amount_fen: number;
      cancelled_fen: number;
      state: 'pending' | 'frozen' | 'available' | 'cancelled';
      created_at: Date;
      cursor_at: string;
    }>(
      ctx,
      `SELECT e.id, e.order_id, c.title, e.amount_fen, e.cancelled_fen, e.state, e.created_at,
              e.created_at::text AS cursor_at
       FROM commission_entries e JOIN order_lines l ON l.id = e.order_line_id JOIN campaigns c ON c.id = l.campaign_id
       WHERE e.pickup_point_id = $1 AND ($2::timestamptz IS NULL OR (e.created_at, e.id) < ($2::timestamptz, $3::uuid))
       ORDER BY e.created_at DESC, e.id DESC LIMIT $4`,
      [pickupPointId, after?.at ?? null, after?.id ?? null, page.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, page.limit);
    return {
      items: shown.map((r) => ({
        id: r.id,
        orderId: r.order_id,
        title: r.title,
        amount: r.amount_fen,
        cancelled: r.cancelled_fen,
        state: r.state,
        createdAt: r.created_at.toISOString(),
      })),
      nextCursor,
    };
  }

  /** A leader asks to withdraw; never below the minimum, never more than is withdrawable. */
  async requestWithdrawal(
    ctx: RequestContext,
    pickupPointId: string,
    leaderId: string,
    amountFen: number,
  ): Promise<Withdrawal> {
    const minimum = this.config.COMMISSION_MIN_WITHDRAWAL_FEN;
    if (amountFen < minimum) {
      throw new AppException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        ErrorCode.WithdrawalBelowMinimum,
        'Below the minimum withdrawal',
        { minimum },
      );
    }
    // The pickup point's row serialises its withdrawals: what one takes the next one sees. Not
    // FOR UPDATE, which would wait for every order being placed there, and hold the next ones.
    await this.connection.query(
      ctx,
      `SELECT id FROM pickup_points WHERE id = $1 FOR NO KEY UPDATE`,
      [pickupPointId],
    );
    const { withdrawable } = await this.totals(ctx, pickupPointId);
    if (amountFen > withdrawable) {
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.CommissionInsufficient,
        'More than the commission available',
        { withdrawable },
      );
    }
    const [row] = await this.connection.query<WithdrawalRow>(
      ctx,
      `INSERT INTO commission_withdrawals (pickup_point_id, leader_member_id, amount_fen)
       VALUES ($1, $2, $3) RETURNING *`,
      [pickupPointId, leaderId, amountFen],
    );
    return toWithdrawal(row);
  }

  /**
   * Withdrawals of one pickup point or all, in one status or any: a leader reads their own
   * newest first; the operator's queue is oldest first, so that the longest waiting are paid
   * first.
   */
  async withdrawals(
    ctx: RequestContext,
    filter: { pickupPointId?: string; status?: WithdrawalStatus },
    page: PageQuery,
    order: 'newest-first' | 'oldest-first',
  ): Promise<WithdrawalPage> {
    const after = decodeCursor(page.cursor);
    const [beyond, direction] = order === 'oldest-first' ? ['>', 'ASC'] : ['<', 'DESC'];
    const rows = await this.connection.query<WithdrawalRow & { cursor_at: string }>(
      ctx,
      `SELECT *, created_at::text AS cursor_at FROM commission_withdrawals
       WHERE ($1::uuid IS NULL OR pickup_point_id = $1) AND ($2::text IS NULL OR status = $2)
         AND ($3::timestamptz IS NULL OR (created_at, id) ${beyond} ($3::timestamptz, $4::uuid))
       ORDER BY created_at ${direction}, id ${direction} LIMIT $5`,
      [
        filter.pickupPointId ?? null,
        filter.status ?? null,
        after?.at ?? null,
        after?.id ?? null,
        page.limit + 1,
      ],
    );
    const { shown, nextCursor } = keysetPage(rows, page.limit);
    return { items: shown.map(toWithdrawal), nextCursor };
  }

  /**
   * An operator pays a withdrawal out (approve) or turns it down, audited, and the leader is
   * told; a decided one stays decided.
   */
  async decideWithdrawal(
    ctx: RequestContext,
    withdrawalId: string,
    decision: 'approved' | 'rejected',
    note: string | null,
    now: Date,
  ): Promise<Withdrawal> {
    const [row] = await this.connection.query<WithdrawalRow>(
      ctx,
      `UPDATE commission_withdrawals SET status = $2, decision_note = $3, decided_at = $4
       WHERE id = $1 AND status = 'pending' RETURNING *`,
      [withdrawalId, decision, note, now],
    );
    if (row) {
      await this.audit.record(
        ctx,
        `withdrawal.${decision === 'approved' ? 'approve' : 'reject'}`,
        { type: 'withdrawal', id: row.id },
        { pickupPointId: row.pickup_point_id, amount: row.amount_fen, note },
      );
      const amount = formatYuan(row.amount_fen);
      await this.notifications.notify(ctx, row.leader_member_id, {
        kind: 'withdrawal_decided',
        dedupeKey: `withdrawal-decided:${row.id}`,
        title: decision === 'approved' ? '提现已通过' : '提现未通过',
        body:
          decision === 'approved'
            ? `${amount} 佣金提现已通过，平台将尽快打款${note ? `（${note}）` : ''}`
            : `${amount} 佣金提现未通过${note ? `：${note}` : ''}，这笔佣金可以重新申请提现`,
        data: { withdrawalId: row.id, status: decision, amountFen: row.amount_fen },
      });
      return toWithdrawal(row);
    }
    const [existing] = await this.connection.query<WithdrawalRow>(
      ctx,
      `SELECT * FROM commission_withdrawals WHERE id = $1`,
      [withdrawalId],
    );
    if (!existing) throw AppException.notFound('Withdrawal', { withdrawalId });
    if (existing.status === decision) return toWithdrawal(existing);
    throw alreadyDecided(existing.status);
  }

  private async move(
    ctx: RequestContext,
    orderIds: readonly string[],
    from: readonly string[],
    to: 'frozen' | 'available',
  ): Promise<void> {
    if (orderIds.length === 0) return;
    await this.connection.query(
      ctx,
      `UPDATE commission_entries SET state = $3, updated_at = now()
       WHERE order_id = ANY($1::uuid[]) AND state = ANY($2::text[])`,
      [orderIds, from, to],
    );
  }
}
