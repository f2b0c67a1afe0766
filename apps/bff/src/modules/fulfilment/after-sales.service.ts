import { Injectable } from '@nestjs/common';
import type { OrderState } from '@linli/domain';
import { formatYuan } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { decodeCursor, keysetPage } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { MoneyBackRow, toMoneyBack } from '../group-buy/money-back';
import { OrderTransitions } from '../group-buy/order-transitions.service';
import { NotificationsService } from '../notifications/notifications.service';
import {
  RefundPage,
  RefundQuery,
  RefundRequestBody,
  RefundStatus,
  RefundView,
} from './dto/after-sales.dto';
import { refundNotAllowed } from './fulfilment.exception';
import { alreadyDecided } from '../../common/decision';
import { OrderRefundsService, RefundedOrder } from './order-refunds.service';

interface LockedOrder extends RefundedOrder {
  state: OrderState;
  after_sales_ends_at: Date | null;
}

interface RequestRow {
  id: string;
  order_id: string;
  member_id: string;
  reason: string;
  lines: { orderLineId: string; quantity: number }[];
  requested_fen: number;
  status: RefundStatus;
  decided_by: string | null;
  decision_note: string | null;
  decided_at: Date | null;
  refunded_fen: number | null;
  points_returned: number | null;
  points_clawed_back: number | null;
  shortfall_fen: number | null;
  created_at: Date;
  cursor_at: string;
  /** The payment refund an approval made, when it had money to return. */
  money_amount_fen: number | null;
  money_status: MoneyBackRow['status'] | null;
  money_received_account: string | null;
  money_settled_at: Date | null;
  money_created_at: Date | null;
}

const toView = (r: RequestRow): RefundView => ({
  id: r.id,
  orderId: r.order_id,
  memberId: r.member_id,
  reason: r.reason,
  lines: r.lines,
  requested: r.requested_fen,
  status: r.status,
  decidedBy: r.decided_by,
  decisionNote: r.decision_note,
  decidedAt: r.decided_at?.toISOString() ?? null,
  refunded: r.refunded_fen,
  pointsReturned: r.points_returned,
  pointsClawedBack: r.points_clawed_back,
  shortfall: r.shortfall_fen,
  moneyBack:
    r.money_status === null
      ? null
      : toMoneyBack({
          amount_fen: r.money_amount_fen ?? 0,
          status: r.money_status,
          received_account: r.money_received_account,
          settled_at: r.money_settled_at,
          created_at: r.money_created_at ?? r.created_at,
        }),
  createdAt: r.created_at.toISOString(),
});

/** The refund key of the lines an approved after-sales request pays back: one refund per request. */
const AFTER_SALES_REFUND = 'after-sales:';
const afterSalesRefundKey = (requestId: string) => `${AFTER_SALES_REFUND}${requestId}`;

const SELECT_REQUEST = `
  SELECT r.id, r.order_id, r.member_id, r.reason, r.requested_fen, r.status, r.decided_by, r.decision_note,
         r.decided_at, r.refunded_fen, r.points_returned, r.points_clawed_back, r.shortfall_fen, r.created_at,
         r.created_at::text AS cursor_at,
         (SELECT json_agg(json_build_object('orderLineId', x.line_id, 'quantity', x.quantity))
          FROM jsonb_to_recordset(r.lines) AS x(line_id uuid, quantity int)) AS lines,
         f.amount_fen AS money_amount_fen, f.status AS money_status,
         f.received_account AS money_received_account, f.settled_at AS money_settled_at,
         f.created_at AS money_created_at
  FROM refund_requests r
  LEFT JOIN refunds f ON f.order_id = r.order_id AND f.reason = '${AFTER_SALES_REFUND}' || r.id::text`;

const AFTER_SALES_STATES: readonly OrderState[] = ['picked_up', 'partially_refunded'];

/**
 * After-sales (售后): a shopper asks for some or all lines back within the window that opens
 * at pickup; an operator decides, or the request is approved at once when it is small. Both
 * the request and the decision lock the order first, so requests never promise more units
 * than are left and a decision is carried out once.
 */
@Injectable()
export class AfterSalesService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly refunds: OrderRefundsService,
    private readonly transitions: OrderTransitions,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async request(
    ctx: RequestContext,
    orderId: string,
    body: RefundRequestBody,
  ): Promise<RefundView> {
    const order = await this.lockOrder(ctx, orderId, ctx.memberId);
    if (!AFTER_SALES_STATES.includes(order.state))
      throw refundNotAllowed('state', { state: order.state });
    if (!order.after_sales_ends_at || order.after_sales_ends_at <= this.clock.now())
      throw refundNotAllowed('window_closed');
    // Units already promised to pending requests are not refundable twice.
    const pending = await this.connection.query<{ line_id: string; quantity: number }>(
      ctx,
      `SELECT x.line_id, SUM(x.quantity)::int AS quantity
       FROM refund_requests r, jsonb_to_recordset(r.lines) AS x(line_id uuid, quantity int)
       WHERE r.order_id = $1 AND r.status = 'pending' GROUP BY x.line_id`,
      [orderId],
    );
    const lines = body.lines.map((l) => ({ lineId: l.orderLineId, quantity: l.quantity }));
    const { moneyFen: requestedFen } = await this.refunds.preview(
      ctx,
      order,
      lines,
      pending.map((p) => ({ lineId: p.line_id, quantity: p.quantity })),
    );
    const [row] = await this.connection.query<{ id: string }>(
      ctx,
      `INSERT INTO refund_requests (order_id, member_id, reason, lines, requested_fen)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [
        orderId,
        ctx.memberId,
        body.reason,
        JSON.stringify(lines.map((l) => ({ line_id: l.lineId, quantity: l.quantity }))),
        requestedFen,
      ],
    );
    // The amount bounds what an order gets back without an operator, not each request: a
    // refund split into small requests is looked at once their sum reaches it.
    const [{ automatic }] = await this.connection.query<{ automatic: number }>(
      ctx,
      `SELECT COALESCE(SUM(requested_fen), 0)::int AS automatic FROM refund_requests
       WHERE order_id = $1 AND status = 'approved' AND decided_by = 'auto'`,
      [orderId],
    );
    if (automatic + requestedFen < this.config.REFUND_AUTO_APPROVE_BELOW_FEN) {
      return this.decideLocked(ctx, order, row.id, 'approved', 'auto', null);
    }
    return this.get(ctx, row.id);
  }

  /** The member's refund requests of their order, newest first; another member's order is a 404. */
  async forOrder(ctx: RequestContext, orderId: string, memberId: string): Promise<RefundView[]> {
    const [own] = await this.connection.query(
      ctx,
      `SELECT 1 FROM orders WHERE id = $1 AND member_id = $2`,
      [orderId, memberId],
    );
    if (!own) throw AppException.notFound('Order', { orderId });
    const rows = await this.connection.query<RequestRow>(
      ctx,
      `${SELECT_REQUEST} WHERE r.order_id = $1 AND r.member_id = $2 ORDER BY r.created_at DESC`,
      [orderId, memberId],
    );
    return rows.map(toView);
  }

  /** The operator's queue: oldest first, so that the longest waiting are decided first. */
  async list(ctx: RequestContext, query: RefundQuery): Promise<RefundPage> {
    const after = decodeCursor(query.cursor);
    const rows = await this.connection.query<RequestRow>(
      ctx,
      `${SELECT_REQUEST}
       WHERE ($1::text IS NULL OR r.status = $1)
         AND ($2::timestamptz IS NULL OR (r.created_at, r.id) > ($2::timestamptz, $3::uuid))
       ORDER BY r.created_at, r.id LIMIT $4`,
      [query.status ?? null, after?.at ?? null, after?.id ?? null, query.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, query.limit);
    return { items: shown.map(toView), nextCursor };
  }

  /**
   * An operator's decision on a request, audited; deciding the same way again returns it
   * unchanged and audits nothing more.
   */
  async decide(
    ctx: RequestContext,
    requestId: string,
    decision: 'approved' | 'rejected',
    note: string | null,
  ): Promise<RefundView> {
    const [request] = await this.connection.query<{ order_id: string }>(
      ctx,
      `SELECT order_id FROM refund_requests WHERE id = $1`,
      [requestId],
    );
    if (!request) throw AppException.notFound('Refund request', { requestId });
    const order = await this.lockOrder(ctx, request.order_id);
    // Every decision takes the order's lock first: whether this one is the decision is known now.
    const [{ status }] = await this.connection.query<{ status: string }>(
      ctx,
      `SELECT status FROM refund_requests WHERE id = $1`,
      [requestId],
    );
    const decidedBy = ctx.actor?.id ?? 'admin';
    const view = await this.decideLocked(ctx, order, requestId, decision, decidedBy, note);
    if (status === 'pending')
      await this.audit.record(
        ctx,
        `refund.${decision === 'approved' ? 'approve' : 'reject'}`,
        { type: 'refund-request', id: requestId },
        { orderId: order.id, refunded: view.refunded, note },
      );
    return view;
  }

  private async decideLocked(
    ctx: RequestContext,
    order: LockedOrder,
    requestId: string,
    decision: 'approved' | 'rejected',
    decidedBy: string,
    note: string | null,
  ): Promise<RefundView> {
    const [request] = await this.connection.query<{
      lines: { line_id: string; quantity: number }[];
    }>(
      ctx,
      `UPDATE refund_requests SET status = $2, decided_by = $3, decision_note = $4, decided_at = $5
       WHERE id = $1 AND status = 'pending' RETURNING lines`,
      [requestId, decision, decidedBy, note, this.clock.now()],
    );
    if (!request) {
      const existing = await this.get(ctx, requestId);
      if (existing.status === decision) return existing;
      throw alreadyDecided(existing.status);
    }
    if (decision === 'rejected') {
      await this.tell(ctx, order, requestId, '售后申请未通过', `原因：${note ?? '不符合售后条件'}`);
      return this.get(ctx, requestId);
    }
    const outcome = await this.refunds.refund(
      ctx,
      order,
      request.lines.map((l) => ({ lineId: l.line_id, quantity: l.quantity })),
      afterSalesRefundKey(requestId),
    );
    await this.connection.query(
      ctx,
      `UPDATE refund_requests SET refunded_fen = $2, points_returned = $3, points_clawed_back = $4, shortfall_fen = $5
       WHERE id = $1`,
      [
        requestId,
        outcome.moneyFen,
        outcome.pointsReturned,
        outcome.pointsClawedBack,
        outcome.shortfallFen,
      ],
    );
    await this.transitions.apply(
      ctx,
      order,
      outcome.refundsEverything ? 'refund_all' : 'refund_part',
    );
    const kept = formatYuan(outcome.shortfallFen);
    const money =
      outcome.moneyFen > 0
        ? `${formatYuan(outcome.moneyFen)} 将原路退回${outcome.shortfallFen > 0 ? `（已用掉的赠送积分折合 ${kept} 已扣除）` : ''}`
        : outcome.shortfallFen > 0
          ? `已用掉的赠送积分折合 ${kept}，抵扣了这次退款，没有款项退回`
          : '这次退款没有款项退回';
    const coupon = outcome.couponReturned ? '，订单使用的优惠券已退回' : '';
    await this.tell(ctx, order, requestId, '售后已通过', `${money}${coupon}。`);
    return this.get(ctx, requestId);
  }

  private async tell(
    ctx: RequestContext,
    order: LockedOrder,
    requestId: string,
    title: string,
    body: string,
  ): Promise<void> {
    await this.notifications.notify(ctx, order.member_id, {
      kind: 'refund_decided',
      dedupeKey: `refund-decided:${requestId}`,
      title,
      body,
      data: { orderId: order.id, refundRequestId: requestId },
    });
  }

  private async lockOrder(
    ctx: RequestContext,
    orderId: string,
    memberId?: string,
  ): Promise<LockedOrder> {
    const [order] = await this.connection.query<LockedOrder>(
      ctx,
      `SELECT id, member_id, state, points_used, points_to_earn, after_sales_ends_at FROM orders
       WHERE id = $1 AND ($2::uuid IS NULL OR member_id = $2) FOR UPDATE`,
      [orderId, memberId ?? null],
    );
    if (!order) throw AppException.notFound('Order', { orderId });
    return order;
  }

  private async get(ctx: RequestContext, requestId: string): Promise<RefundView> {
    const [row] = await this.connection.query<RequestRow>(
      ctx,
      `${SELECT_REQUEST} WHERE r.id = $1`,
      [requestId],
    );
    if (!row) throw AppException.notFound('Refund request', { requestId });
    return toView(row);
  }
}
