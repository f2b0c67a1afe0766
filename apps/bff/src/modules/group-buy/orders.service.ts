import { HttpStatus, Injectable } from '@nestjs/common';
import { drawPickupCode, ORDER_STAGES, type OrderState, PICKUP_CODE_TRIES } from '@linli/domain';
import { randomInt } from 'node:crypto';
import { ErrorCode } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { decodeCursor, keysetPage } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { CouponsService, couponNotUsable } from '../coupons/coupons.service';
import { PointsLedger } from '../points/points-ledger.service';
import { CampaignRow, CampaignsService, campaignState } from './campaigns.service';
import { CheckoutService } from './checkout.service';
import {
  AdminOrder,
  AdminOrderPage,
  CampaignPointSales,
  MoneyBackView,
  OrderListQuery,
  OrderPage,
  OrderView,
  PlaceOrderRequest,
} from './dto/order.dto';
import { campaignNotOpen, priceChanged, purchaseLimitExceeded } from './group-buy.exception';
import { MoneyBackRow, toMoneyBack } from './money-back';

/** While the code means something to the leader: from payment until pickup. */
const SHOWS_PICKUP_CODE: readonly OrderState[] = [
  'paid',
  'confirmed',
  'delivering',
  'ready_for_pickup',
];

/** Orders that hold no paid units: awaiting payment, cancelled, or refunded whole. */
const NOT_PAID_FOR: readonly OrderState[] = ['pending_payment', 'cancelled', 'refunded'];

/** An unpaid order gives its stock back after this long, or at its cut-off if that comes first. */
export const PAYMENT_WINDOW_MS = 15 * 60_000;

interface OrderRow {
  id: string;
  member_id: string;
  state: OrderState;
  pickup_point_id: string;
  pickup_point_name: string;
  pickup_point_address: string;
  subtotal_fen: number;
  tier_discount_fen: number;
  coupon_discount_fen: number;
  points_used: number;
  points_discount_fen: number;
  payable_fen: number;
  points_to_earn: number;
  expires_at: Date;
  paid_at: Date | null;
  created_at: Date;
  cursor_at: string;
  pickup_code: string;
  picked_up_at: Date | null;
  after_sales_ends_at: Date | null;
  refunded_fen: number;
}

interface LineRow {
  id: string;
  refunded_quantity: number;
  order_id: string;
  campaign_id: string;
  title: string;
  image: string | null;
  pickup_date: string;
  cuts_off_at: Date;
  quantity: number;
  unit_price_fen: number;
  list_fen: number;
  tier_discount_fen: number;
  coupon_discount_fen: number;
  points_discount_fen: number;
  payable_fen: number;
  review_rating: number | null;
  review_text: string | null;
  review_created_at: Date | null;
}

/** An order line as inserted, before its campaign's title, picture, pickup date, cut-off and review are added. */
type InsertedLine = Omit<
  LineRow,
  | 'title'
  | 'image'
  | 'pickup_date'
  | 'cuts_off_at'
  | 'review_rating'
  | 'review_text'
  | 'review_created_at'
>;

/** Orders, from the table or from rows just inserted, with where they are picked up. */
const selectOrders = (source = 'orders') => `SELECT o.*, o.created_at::text AS cursor_at,
    p.name AS pickup_point_name, p.address AS pickup_point_address
  FROM ${source} o JOIN pickup_points p ON p.id = o.pickup_point_id`;

const outOfStock = (campaignId: string) =>
  new AppException(HttpStatus.CONFLICT, ErrorCode.OutOfStock, 'Sold out, or not as many left', {
    campaignId,
  });

@Injectable()
export class OrdersService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly checkout: CheckoutService,
    private readonly campaigns: CampaignsService,
    private readonly ledger: PointsLedger,
    private readonly coupons: CouponsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Places an order awaiting payment, in the request's transaction: prices it, holds the
   * member's quantities and points, and reserves stock just before the commit (guarded
   * updates in campaign-id order), so the hot campaign row is locked for as short a time as
   * possible.
   */
  async create(
    ctx: RequestContext,
    memberId: string,
    request: PlaceOrderRequest,
  ): Promise<OrderView> {
    const { quote: q, campaigns, place } = await this.checkout.price(ctx, memberId, request);
    if (request.couponId && q.coupon !== 'applied' && q.coupon !== 'none')
      throw couponNotUsable(request.couponId, q.coupon);
    if (request.expectedPayable !== undefined && request.expectedPayable !== q.payableFen)
      throw priceChanged(request.expectedPayable, q.payableFen);
    const now = this.clock.now();
    // Paying after the cut-off would join a group-buy already decided: the window closes then.
    const payBy = Math.min(
      now.getTime() + PAYMENT_WINDOW_MS,
      ...campaigns.map((c) => c.cuts_off_at.getTime()),
    );
    // The pickup point the campaigns were offered at, not the member's current one, which a
    // concurrent change of pickup point may have moved since.
    const { lines: inserted, ...order } = await this.insertOrder(
      ctx,
      memberId,
      place.pickupPointId,
      [
        q.subtotalFen,
        q.tierDiscountFen,
        q.couponDiscountFen,
        q.pointsUsed,
        q.pointsDiscountFen,
        q.payableFen,
        q.pointsToEarn,
        new Date(payBy),
      ],
      [
        q.lines.map((l) => l.campaignId),
        q.lines.map((l) => l.quantity),
        q.lines.map((l) => l.unitPriceFen),
        q.lines.map((l) => l.listFen),
        q.lines.map((l) => l.tierDiscountFen),
        q.lines.map((l) => l.couponDiscountFen),
        q.lines.map((l) => l.pointsDiscountFen),
        q.lines.map((l) => l.payableFen),
      ],
    );
    // The coupon next, before the member's quantities and points, as a cancel gives it back last.
    if (request.couponId) await this.coupons.take(ctx, memberId, request.couponId, order.id);
    const campaignOf = new Map(campaigns.map((c) => [c.id, c]));
    const view = toView(
      order,
      inserted.map((line) => {
        const campaign = campaignOf.get(line.campaign_id);
        return {
          ...line,
          title: campaign?.title ?? '',
          image: campaign?.images[0] ?? null,
          pickup_date: campaign?.pickup_date ?? '',
          cuts_off_at: campaign?.cuts_off_at ?? order.expires_at,
          // A new order's lines are not reviewed yet.
          review_rating: null,
          review_text: null,
          review_created_at: null,
        };
      }),
    );
    const lines = [...q.lines].sort((a, b) => (a.campaignId < b.campaignId ? -1 : 1));
    const limitOf = new Map(campaigns.map((c) => [c.id, c.per_member_limit]));
    // The member's quantities, in campaign-id order (the order every request takes these rows
    // in), after the lines, whose foreign keys have share-locked the campaigns. A quantity the
    // limit refuses is left as it was and not returned.
    const held = await this.connection.query<{ campaign_id: string }>(
      ctx,
      `INSERT INTO campaign_member_quantities (campaign_id, member_id, quantity)
       SELECT l.campaign_id, $1, l.quantity
       FROM unnest($2::uuid[], $3::int[]) WITH ORDINALITY AS l(campaign_id, quantity, n) ORDER BY l.n
       ON CONFLICT (campaign_id, member_id) DO UPDATE
         SET quantity = campaign_member_quantities.quantity + EXCLUDED.quantity
         WHERE campaign_member_quantities.quantity + EXCLUDED.quantity
           <= ($4::int[])[array_position($2::uuid[], EXCLUDED.campaign_id)]
       RETURNING campaign_id`,
      [
        memberId,
        lines.map((l) => l.campaignId),
        lines.map((l) => l.quantity),
        lines.map((l) => limitOf.get(l.campaignId)),
      ],
    );
    const refused = lines.find((l) => !held.some((h) => h.campaign_id === l.campaignId));
    if (refused) {
      const ordered = await this.campaigns.alreadyOrdered(ctx, memberId, [refused.campaignId]);
      throw purchaseLimitExceeded(
        refused.campaignId,
        limitOf.get(refused.campaignId) ?? 0,
        ordered.get(refused.campaignId) ?? 0,
      );
    }
    if (q.pointsUsed > 0)
      await this.ledger.spend(ctx, memberId, { type: 'order', id: order.id }, q.pointsUsed);
    // Stock last, after the stored response too: a hot campaign's row stays locked from this
    // update only for the commit.
    ctx.beforeCommit(async () => {
      // One guarded update per campaign, in campaign-id order. One statement for them all
      // would first have to lock the rows in that order and then update each again, doing more
      // work while it holds a hot campaign's row.
      for (const line of lines) {
        const reserved = await this.connection.query(
          ctx,
          `UPDATE campaigns SET stock_left = stock_left - $2
           WHERE id = $1 AND stock_left >= $2 AND status = 'published' AND starts_at <= $3 AND cuts_off_at > $3
           RETURNING id`,
          [line.campaignId, line.quantity, now],
        );
        if (reserved.length === 0) throw await this.notReserved(ctx, line.campaignId, now);
      }
    });
    return view;
  }

  /**
   * Why a guarded stock update took nothing: the group-buy stopped taking orders since it was
   * priced (withdrawn by an operator), or too few units are left.
   */
  private async notReserved(
    ctx: RequestContext,
    campaignId: string,
    now: Date,
  ): Promise<AppException> {
    const [row] = await this.connection.query<
      Pick<CampaignRow, 'status' | 'starts_at' | 'cuts_off_at'>
    >(ctx, `SELECT status, starts_at, cuts_off_at FROM campaigns WHERE id = $1`, [campaignId]);
    const state = campaignState(row, now);
    return state === 'live' ? outOfStock(campaignId) : campaignNotOpen(campaignId, state);
  }

  /**
   * Inserts the order with a random 8-digit pickup code, and its lines, in one statement. A
   * code already used by an open order of the same pickup point is skipped by the unique index
   * (ON CONFLICT), never by a read first, and one held by goods from the rewards mall waiting
   * there by the statement; the lines are written only with the order.
   */
  private async insertOrder(
    ctx: RequestContext,
    memberId: string,
    pickupPointId: string,
    amounts: unknown[],
    lineColumns: unknown[][],
  ): Promise<OrderRow & { lines: InsertedLine[] }> {
    for (let attempt = 0; attempt < PICKUP_CODE_TRIES; attempt += 1) {
      const [order] = await this.connection.query<OrderRow & { lines: InsertedLine[] }>(
        ctx,
        `WITH placed AS (
           INSERT INTO orders (member_id, pickup_point_id, state, subtotal_fen, tier_discount_fen, coupon_discount_fen,
             points_used, points_discount_fen, payable_fen, points_to_earn, expires_at, pickup_code)
           SELECT $1, $2, 'pending_payment', $3, $4, $5, $6, $7, $8, $9, $10, $11
           WHERE NOT EXISTS (SELECT 1 FROM redemptions WHERE pickup_point_id = $2 AND pickup_code = $11
                               AND pickup_state IN ('awaiting_delivery', 'ready_for_pickup'))
           ON CONFLICT DO NOTHING RETURNING *),
         lines AS (
           INSERT INTO order_lines (order_id, campaign_id, quantity, unit_price_fen, list_fen, tier_discount_fen,
             coupon_discount_fen, points_discount_fen, payable_fen)
           SELECT placed.id, l.* FROM placed,
             unnest($12::uuid[], $13::int[], $14::int[], $15::int[], $16::int[], $17::int[], $18::int[], $19::int[]) AS l
           RETURNING *)
         SELECT o.*, (SELECT json_agg(lines) FROM lines) AS lines FROM (${selectOrders('placed')}) o`,
        [memberId, pickupPointId, ...amounts, drawPickupCode(randomInt), ...lineColumns],
      );
      if (order) return order;
    }
    throw new Error('no free pickup code after several tries');
  }

  /** One of the member's own orders; anyone else's is 404. */
  async get(ctx: RequestContext, memberId: string, orderId: string): Promise<OrderView> {
    const [row] = await this.connection.query<OrderRow>(
      ctx,
      `${selectOrders()} WHERE o.id = $1 AND o.member_id = $2`,
      [orderId, memberId],
    );
    if (!row) throw AppException.notFound('Order', { orderId });
    const [view] = await this.withLines(ctx, [row]);
    return view;
  }

  /** The member's orders, newest first, all of them or those of one stage (a tab of the list). */
  async list(ctx: RequestContext, memberId: string, page: OrderListQuery): Promise<OrderPage> {
    const { shown, nextCursor } = await this.page(ctx, 'o.member_id = $1', memberId, page);
    return { items: await this.withLines(ctx, shown), nextCursor };
  }

  /** Any order, whoever's it is, for an operator; 404 for none. */
  async getForOperator(ctx: RequestContext, orderId: string): Promise<AdminOrder> {
    const [row] = await this.connection.query<OrderRow>(ctx, `${selectOrders()} WHERE o.id = $1`, [
      orderId,
    ]);
    if (!row) throw AppException.notFound('Order', { orderId });
    const [order] = await this.forOperators(ctx, [row]);
    return order;
  }

  /**
   * The orders with a line of the campaign, newest first, for an operator: who bought, how many,
   * and how far each order has got (a stage, as in the shopper's tabs).
   */
  async listForCampaign(
    ctx: RequestContext,
    campaignId: string,
    page: OrderListQuery,
  ): Promise<AdminOrderPage> {
    await this.mustHaveCampaign(ctx, campaignId);
    const { shown, nextCursor } = await this.page(
      ctx,
      'o.id IN (SELECT l.order_id FROM order_lines l WHERE l.campaign_id = $1)',
      campaignId,
      page,
    );
    return { items: await this.forOperators(ctx, shown), nextCursor };
  }

  /**
   * The group-buy's orders by pickup point, most units first: what each point has paid for
   * (less refunds), and what is still awaiting payment. Points without an order are left out.
   */
  async salesByPickupPoint(ctx: RequestContext, campaignId: string): Promise<CampaignPointSales[]> {
    await this.mustHaveCampaign(ctx, campaignId);
    const rows = await this.connection.query<{
      id: string;
      name: string;
      units: number;
      orders: number;
      buyers: number;
      unpaid_units: number;
    }>(
      ctx,
      `SELECT p.id, p.name,
         COALESCE(SUM(l.quantity - l.refunded_quantity) FILTER (WHERE o.state <> ALL($2::text[])), 0)::int AS units,
         (COUNT(DISTINCT o.id) FILTER (WHERE o.state <> ALL($2::text[])))::int AS orders,
         (COUNT(DISTINCT o.member_id) FILTER (WHERE o.state <> ALL($2::text[])))::int AS buyers,
         COALESCE(SUM(l.quantity) FILTER (WHERE o.state = 'pending_payment'), 0)::int AS unpaid_units
       FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN pickup_points p ON p.id = o.pickup_point_id
       WHERE l.campaign_id = $1 AND o.state <> 'cancelled'
       GROUP BY p.id, p.name
       ORDER BY units DESC, unpaid_units DESC, p.name, p.id`,
      [campaignId, NOT_PAID_FOR],
    );
    return rows.map((r) => ({
      pickupPointId: r.id,
      pickupPointName: r.name,
      units: r.units,
      orders: r.orders,
      buyers: r.buyers,
      unpaidUnits: r.unpaid_units,
    }));
  }

  private async mustHaveCampaign(ctx: RequestContext, campaignId: string): Promise<void> {
    const [campaign] = await this.connection.query(ctx, `SELECT 1 FROM campaigns WHERE id = $1`, [
      campaignId,
    ]);
    if (!campaign) throw AppException.notFound('Campaign', { campaignId });
  }

  /** A page of the orders `where` selects (with `owner` as $1), newest first. */
  private async page(ctx: RequestContext, where: string, owner: string, page: OrderListQuery) {
    const after = decodeCursor(page.cursor);
    const rows = await this.connection.query<OrderRow>(
      ctx,
      `${selectOrders()}
       WHERE ${where} AND ($2::timestamptz IS NULL OR (o.created_at, o.id) < ($2::timestamptz, $3::uuid))
         AND ($5::text[] IS NULL OR o.state = ANY($5::text[]))
       ORDER BY o.created_at DESC, o.id DESC LIMIT $4`,
      [
        owner,
        after?.at ?? null,
        after?.id ?? null,
        page.limit + 1,
        page.stage ? ORDER_STAGES[page.stage] : null,
      ],
    );
    return keysetPage(rows, page.limit);
  }

  /** Orders as operators see them: whose, and without their pickup codes. */
  private async forOperators(ctx: RequestContext, rows: OrderRow[]): Promise<AdminOrder[]> {
    const members = await this.connection.query<{ id: string; nickname: string }>(
      ctx,
      `SELECT id, nickname FROM members WHERE id = ANY($1::uuid[])`,
      [[...new Set(rows.map((r) => r.member_id))]],
    );
    const nicknames = new Map(members.map((m) => [m.id, m.nickname]));
    const views = await this.withLines(ctx, rows);
    return views.map((view, i) => ({
      ...withoutPickupCode(view),
      memberId: rows[i].member_id,
      memberNickname: nicknames.get(rows[i].member_id) ?? '',
    }));
  }

  /** Orders as the member sees them, with their lines and the refunds of their money. */
  private async withLines(ctx: RequestContext, orders: OrderRow[]): Promise<OrderView[]> {
    if (orders.length === 0) return [];
    const ids = orders.map((o) => o.id);
    const lines = await this.connection.query<LineRow>(
      ctx,
      `SELECT l.*, c.title, p.images->>0 AS image, c.pickup_date, c.cuts_off_at,
              r.rating AS review_rating, r.text AS review_text, r.created_at AS review_created_at
       FROM order_lines l
       JOIN campaigns c ON c.id = l.campaign_id JOIN skus s ON s.id = c.sku_id JOIN products p ON p.id = s.product_id
       LEFT JOIN reviews r ON r.order_line_id = l.id
       WHERE l.order_id = ANY($1::uuid[])`,
      [ids],
    );
    const refunds = await this.connection.query<MoneyBackRow & { order_id: string }>(
      ctx,
      `SELECT order_id, amount_fen, status, received_account, settled_at, created_at FROM refunds
       WHERE order_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [ids],
    );
    return orders.map((o) =>
      toView(
        o,
        lines.filter((l) => l.order_id === o.id),
        refunds.filter((r) => r.order_id === o.id).map(toMoneyBack),
      ),
    );
  }
}

/** What the member sees of an order and its lines (ordered by campaign). */
function toView(o: OrderRow, lines: LineRow[], moneyBack: MoneyBackView[] = []): OrderView {
  return {
    id: o.id,
    state: o.state,
    pickupPointId: o.pickup_point_id,
    pickupPoint: {
      id: o.pickup_point_id,
      name: o.pickup_point_name,
      address: o.pickup_point_address,
    },
    expiresAt: o.expires_at.toISOString(),
    cutsOffAt: new Date(Math.min(...lines.map((l) => l.cuts_off_at.getTime()))).toISOString(),
    paidAt: o.paid_at?.toISOString() ?? null,
    createdAt: o.created_at.toISOString(),
    lines: [...lines]
      .sort((a, b) => (a.campaign_id < b.campaign_id ? -1 : a.campaign_id > b.campaign_id ? 1 : 0))
      .map((l) => ({
        id: l.id,
        refundedQuantity: l.refunded_quantity,
        campaignId: l.campaign_id,
        title: l.title,
        image: l.image,
        pickupDate: l.pickup_date,
        quantity: l.quantity,
        unitPrice: l.unit_price_fen,
        amount: l.list_fen,
        tierDiscount: l.tier_discount_fen,
        couponDiscount: l.coupon_discount_fen,
        pointsDiscount: l.points_discount_fen,
        payable: l.payable_fen,
        review:
          l.review_rating !== null && l.review_text !== null && l.review_created_at
            ? {
                rating: l.review_rating,
                text: l.review_text,
                createdAt: l.review_created_at.toISOString(),
              }
            : null,
      })),
    subtotal: o.subtotal_fen,
    tierDiscount: o.tier_discount_fen,
    couponDiscount: o.coupon_discount_fen,
    pointsUsed: o.points_used,
    pointsDiscount: o.points_discount_fen,
    payable: o.payable_fen,
    pointsToEarn: o.points_to_earn,
    pickupCode: SHOWS_PICKUP_CODE.includes(o.state) ? o.pickup_code : null,
    pickedUpAt: o.picked_up_at?.toISOString() ?? null,
    afterSalesEndsAt: o.after_sales_ends_at?.toISOString() ?? null,
    refunded: o.refunded_fen,
    moneyBack,
  };
}

/** An order as operators see it: all but the pickup code, which only its shopper and leader use. */
export function withoutPickupCode(order: OrderView): Omit<OrderView, 'pickupCode'> {
  const { pickupCode: _pickupCode, ...seen } = order;
  return seen;
}
