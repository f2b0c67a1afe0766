import { Injectable } from '@nestjs/common';
import type { OrderState } from '@linli/domain';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { decodeCursor, keysetPage, PageQuery } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { OrderTransitions } from '../group-buy/order-transitions.service';
import { AuditService } from '../audit/audit.service';
import { NotificationsService } from '../notifications/notifications.service';
import {
  BatchState,
  DeliveryBatch,
  DeliveryBatchPage,
  PickListPage,
  PickListQuery,
} from './dto/fulfilment.dto';
import { deliveryStateInvalid, pickListNotFinal } from './fulfilment.exception';

interface BatchRow {
  id: string;
  campaign_id: string;
  title: string;
  sku_name: string;
  product_name: string;
  pickup_date: string;
  pickup_point_id: string;
  pickup_point_name: string;
  state: BatchState;
  quantity: number;
  orders: number;
  dispatched_at: Date | null;
  received_at: Date | null;
  cursor_at: string;
}

/** Orders still to be handed over: neither cancelled nor refunded in full. */
const LIVE_ORDER = `o.state NOT IN ('cancelled', 'refunded', 'pending_payment', 'paid')`;

const SELECT_BATCH = `
  SELECT b.id, b.campaign_id, c.title, s.name AS sku_name, p.name AS product_name, c.pickup_date,
         b.pickup_point_id, pp.name AS pickup_point_name, b.state, b.dispatched_at, b.received_at,
         b.created_at::text AS cursor_at,
         COALESCE(t.quantity, 0)::int AS quantity, COALESCE(t.orders, 0)::int AS orders
  FROM delivery_batches b
  JOIN campaigns c ON c.id = b.campaign_id
  JOIN skus s ON s.id = c.sku_id
  JOIN products p ON p.id = s.product_id
  JOIN pickup_points pp ON pp.id = b.pickup_point_id
  LEFT JOIN LATERAL (
    SELECT SUM(l.quantity - l.refunded_quantity) AS quantity, COUNT(*) AS orders
    FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE l.campaign_id = b.campaign_id AND o.pickup_point_id = b.pickup_point_id
      AND l.refunded_quantity < l.quantity AND ${LIVE_ORDER}
  ) t ON true`;

const toBatch = (r: BatchRow): DeliveryBatch => ({
  id: r.id,
  campaignId: r.campaign_id,
  title: r.title,
  skuName: r.sku_name,
  pickupDate: r.pickup_date,
  pickupPointId: r.pickup_point_id,
  pickupPointName: r.pickup_point_name,
  state: r.state,
  quantity: r.quantity,
  orders: r.orders,
  dispatchedAt: r.dispatched_at?.toISOString() ?? null,
  receivedAt: r.received_at?.toISOString() ?? null,
});

/**
 * Delivery batches: one per campaign and pickup point, made at cut-off. The platform
 * dispatches a batch; the pickup point's leader confirms it arrived, and each order whose
 * goods have all arrived becomes ready for pickup.
 */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly transitions: OrderTransitions,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Batches newest first (made at their cut-off), of one pickup point or all, in one state or any. */
  async list(
    ctx: RequestContext,
    filter: { pickupPointId?: string; state?: BatchState },
    page: PageQuery,
  ): Promise<DeliveryBatchPage> {
    const after = decodeCursor(page.cursor);
    const rows = await this.connection.query<BatchRow>(
      ctx,
      `${SELECT_BATCH}
       WHERE ($1::uuid IS NULL OR b.pickup_point_id = $1) AND ($2::text IS NULL OR b.state = $2)
         AND ($3::timestamptz IS NULL OR (b.created_at, b.id) < ($3::timestamptz, $4::uuid))
       ORDER BY b.created_at DESC, b.id DESC LIMIT $5`,
      [
        filter.pickupPointId ?? null,
        filter.state ?? null,
        after?.at ?? null,
        after?.id ?? null,
        page.limit + 1,
      ],
    );
    const { shown, nextCursor } = keysetPage(rows, page.limit);
    return { items: shown.map(toBatch), nextCursor };
  }

  /** The batches of a pickup point not received yet: the few on their way, latest pickup first. */
  async open(ctx: RequestContext, pickupPointId: string): Promise<DeliveryBatch[]> {
    const rows = await this.connection.query<BatchRow>(
      ctx,
      `${SELECT_BATCH} WHERE b.pickup_point_id = $1 AND b.state <> 'received'
       ORDER BY c.pickup_date DESC, b.created_at DESC, b.id DESC`,
      [pickupPointId],
    );
    return rows.map(toBatch);
  }

  /** 分拣单 of a pickup point: each batch with its quantity by neighbour. */
  async pickLists(
    ctx: RequestContext,
    pickupPointId: string,
    query: PickListQuery,
  ): Promise<PickListPage> {
    const after = decodeCursor(query.cursor);
    const rows = await this.connection.query<BatchRow>(
      ctx,
      `${SELECT_BATCH} WHERE b.pickup_point_id = $1 AND ($2::uuid IS NULL OR b.campaign_id = $2)
         AND ($3::timestamptz IS NULL OR (b.created_at, b.id) < ($3::timestamptz, $4::uuid))
       ORDER BY b.created_at DESC, b.id DESC LIMIT $5`,
      [
        pickupPointId,
        query.campaignId ?? null,
        after?.at ?? null,
        after?.id ?? null,
        query.limit + 1,
      ],
    );
    const { shown: batches, nextCursor } = keysetPage(rows, query.limit);
    if (batches.length === 0) return { items: [], nextCursor };
    const orders = await this.connection.query<{
      campaign_id: string;
      order_id: string;
      nickname: string;
      quantity: number;
      state: OrderState;
    }>(
      ctx,
      `SELECT l.campaign_id, o.id AS order_id, m.nickname, (l.quantity - l.refunded_quantity)::int AS quantity, o.state
       FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN members m ON m.id = o.member_id
       WHERE o.pickup_point_id = $1 AND l.campaign_id = ANY($2::uuid[])
         AND l.refunded_quantity < l.quantity AND ${LIVE_ORDER}
       ORDER BY m.nickname, o.id`,
      [pickupPointId, batches.map((b) => b.campaign_id)],
    );
    const items = batches.map((b) => ({
      batch: toBatch(b),
      productName: b.product_name,
      orders: orders
        .filter((o) => o.campaign_id === b.campaign_id)
        .map((o) => ({
          orderId: o.order_id,
          nickname: o.nickname,
          quantity: o.quantity,
          state: o.state,
        })),
    }));
    return { items, nextCursor };
  }

  /**
   * The platform sends a batch on its way; its confirmed orders are now being delivered, and the
   * pickup point's leader is told to expect it. Not
   * while a paid order of its campaign at its pickup point is still unsettled: it is not on the
   * pick list yet, so its goods would not be on the way, and the order would never move on.
   */
  async dispatch(ctx: RequestContext, batchId: string): Promise<DeliveryBatch> {
    const batch = await this.send(ctx, batchId);
    if (!batch) return this.unchanged(ctx, batchId, 'dispatched');
    await this.recordDispatch(ctx, batchId, batch, {});
    const dispatched = await this.get(ctx, batchId);
    const [point] = await this.connection.query<{ leader_member_id: string | null }>(
      ctx,
      `SELECT leader_member_id FROM pickup_points WHERE id = $1`,
      [batch.pickup_point_id],
    );
    if (point?.leader_member_id) {
      await this.notifications.notify(ctx, point.leader_member_id, {
        kind: 'delivery_dispatched',
        dedupeKey: `delivery-dispatched:${batchId}`,
        title: '有一批货已发出',
        body: `「${dispatched.title}」${dispatched.quantity} 件已发往你的自提点，提货日 ${dispatched.pickupDate}；到货后请在到货确认里确认`,
        data: { batchId, campaignId: batch.campaign_id, pickupPointId: batch.pickup_point_id },
      });
    }
    return dispatched;
  }

  /** The audit entry of a dispatch: by an operator, or by the leader's receipt. */
  private recordDispatch(
    ctx: RequestContext,
    batchId: string,
    sent: { campaign_id: string; pickup_point_id: string; orders: number },
    how: { byReceipt?: true },
  ): Promise<void> {
    return this.audit.record(
      ctx,
      'delivery.dispatch',
      { type: 'delivery', id: batchId },
      {
        campaignId: sent.campaign_id,
        pickupPointId: sent.pickup_point_id,
        orders: sent.orders,
        ...how,
      },
    );
  }

  /**
   * Marks a packing batch sent and its confirmed orders delivering, its campaign too; undefined
   * when the batch is not packing (any more). Refused while its pick list is not final.
   */
  private async send(
    ctx: RequestContext,
    batchId: string,
  ): Promise<{ campaign_id: string; pickup_point_id: string; orders: number } | undefined> {
    const now = this.clock.now();
    // Locking them waits for a cut-off run settling one right now, then sees it settled.
    const unsettled = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT o.id FROM delivery_batches b
       JOIN order_lines l ON l.campaign_id = b.campaign_id
       JOIN orders o ON o.id = l.order_id AND o.pickup_point_id = b.pickup_point_id
       WHERE b.id = $1 AND b.state = 'packing' AND o.state = 'paid' ORDER BY o.id FOR UPDATE OF o`,
      [batchId],
    );
    if (unsettled.length > 0) throw pickListNotFinal(batchId, unsettled.length);
    const [batch] = await this.connection.query<{ campaign_id: string; pickup_point_id: string }>(
      ctx,
      `UPDATE delivery_batches SET state = 'dispatched', dispatched_at = $2
       WHERE id = $1 AND state = 'packing' RETURNING campaign_id, pickup_point_id`,
      [batchId, now],
    );
    if (!batch) return undefined;
    const orderIds = await this.batchOrders(ctx, batch, 'confirmed');
    await this.transitions.applyMany(ctx, orderIds, 'dispatch');
    await this.connection.query(
      ctx,
      `UPDATE campaigns SET status = 'delivering' WHERE id = $1 AND status = 'cut_off'`,
      [batch.campaign_id],
    );
    return { ...batch, orders: orderIds.length };
  }

  /**
   * The leader confirms a batch arrived. Orders whose every batch has arrived become ready
   * for pickup and their shoppers are told. A second confirmation changes nothing. A batch
   * that arrived was sent, though the platform never marked it so: it is sent first, once its
   * pick list is final.
   */
  async receive(
    ctx: RequestContext,
    pickupPointId: string,
    batchId: string,
  ): Promise<DeliveryBatch> {
    const now = this.clock.now();
    const [packing] = await this.connection.query(
      ctx,
      `SELECT 1 FROM delivery_batches WHERE id = $1 AND pickup_point_id = $2 AND state = 'packing'`,
      [batchId, pickupPointId],
    );
    if (packing) {
      const sent = await this.send(ctx, batchId);
      if (sent) await this.recordDispatch(ctx, batchId, sent, { byReceipt: true });
    }
    const [batch] = await this.connection.query<{ campaign_id: string; pickup_point_id: string }>(
      ctx,
      `UPDATE delivery_batches SET state = 'received', received_at = $3
       WHERE id = $1 AND pickup_point_id = $2 AND state = 'dispatched' RETURNING campaign_id, pickup_point_id`,
      [batchId, pickupPointId, now],
    );
    if (!batch) return this.unchanged(ctx, batchId, 'received', pickupPointId);
    const candidates = await this.batchOrders(ctx, batch, 'delivering');
    // The orders are locked before their other batches are looked at: a receive of another
    // batch of the same order at the same time has then either committed, and the next
    // statement sees it, or waits here and then sees this batch received.
    await this.connection.query(
      ctx,
      `SELECT id FROM orders WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [candidates],
    );
    const arrived = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT o.id FROM orders o WHERE o.id = ANY($1::uuid[]) AND NOT EXISTS (
         SELECT 1 FROM order_lines l JOIN delivery_batches b
           ON b.campaign_id = l.campaign_id AND b.pickup_point_id = o.pickup_point_id
         WHERE l.order_id = o.id AND l.refunded_quantity < l.quantity AND b.state <> 'received')
       ORDER BY o.id`,
      [candidates],
    );
    const ready = await this.transitions.applyMany(
      ctx,
      arrived.map((o) => o.id),
      'receive',
      { ready_at: now },
    );
    const received = await this.get(ctx, batchId);
    await this.notifications.notifyMany(
      ctx,
      ready.map((o) => ({
        memberId: o.memberId,
        kind: 'order_ready' as const,
        dedupeKey: `order-ready:${o.id}`,
        title: '到货啦，可以来提货了',
        body: `你的团购已到「${received.pickupPointName}」，出示提货码即可提货。`,
        data: { orderId: o.id },
      })),
    );
    return received;
  }

  private async batchOrders(
    ctx: RequestContext,
    batch: { campaign_id: string; pickup_point_id: string },
    state: OrderState,
  ): Promise<string[]> {
    const rows = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id
       WHERE l.campaign_id = $1 AND o.pickup_point_id = $2 AND o.state = $3 AND l.refunded_quantity < l.quantity`,
      [batch.campaign_id, batch.pickup_point_id, state],
    );
    return rows.map((r) => r.id);
  }

  /**
   * A batch already in `target`, or past it (dispatched by its receipt), is returned as it is (a
   * retry); a batch short of it is a conflict.
   */
  private async unchanged(
    ctx: RequestContext,
    batchId: string,
    target: BatchState,
    pickupPointId?: string,
  ): Promise<DeliveryBatch> {
    const existing = await this.get(ctx, batchId, pickupPointId);
    if (existing.state === target || (target === 'dispatched' && existing.state === 'received'))
      return existing;
    throw deliveryStateInvalid(batchId, existing.state);
  }

  /** A batch; another pickup point's is not found. */
  private async get(
    ctx: RequestContext,
    batchId: string,
    pickupPointId?: string,
  ): Promise<DeliveryBatch> {
    const [row] = await this.connection.query<BatchRow>(
      ctx,
      `${SELECT_BATCH} WHERE b.id = $1 AND ($2::uuid IS NULL OR b.pickup_point_id = $2)`,
      [batchId, pickupPointId ?? null],
    );
    if (!row) throw AppException.notFound('Delivery batch', { batchId });
    return toBatch(row);
  }
}
