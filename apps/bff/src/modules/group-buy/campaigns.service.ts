import { Injectable } from '@nestjs/common';
import { afterTierFen, businessDay, takesMemberDay } from '@linli/domain';
import type { MemberTier } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { decodeCursor, KeysetCursor, keysetPage, PageQuery } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { containing } from '../../common/text-fields';
import { unknownIds } from '../../common/unknown-ids';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { fieldChanges, fieldsToChange } from '../../common/edits';
import { AuditService } from '../audit/audit.service';
import { NotificationsService } from '../notifications/notifications.service';
import { PointsPolicy } from '../points/dto/points-policy.dto';
import { PointsPolicyService } from '../points/points-policy.service';
import {
  MemberBenefits,
  MemberBenefitsService,
  TierDiscount,
} from '../tiers/member-benefits.service';
import {
  AdminCampaign,
  AdminCampaignPage,
  AdminCampaignQuery,
  Campaign,
  CampaignState,
  CreateCampaignRequest,
  CreateProductRequest,
  MOST_CAMPAIGN_STOCK,
  Product,
  ProductPage,
  ProductQuery,
  PostponePickupRequest,
  ShopperCampaign,
  SkuRequest,
  StockChangeRequest,
  UpdateCampaignRequest,
  UpdateProductRequest,
  UpdateSkuRequest,
} from './dto/catalogue.dto';
import {
  campaignInvalid,
  campaignNotDraft,
  campaignNotOpen,
  campaignOrdered,
  notEnoughUnsold,
  pickupPointRequired,
} from './group-buy.exception';

/** What a campaign's page shows of its buyers and of the member's own orders of it. */
interface ShopperCounts {
  buyers: number;
  yourQuantity: number;
}

/** A campaign as an operator writes it, with null for "at every pickup point" and "for every tier". */
type CampaignFields = Omit<CreateCampaignRequest, 'pickupPointIds' | 'tiers'> & {
  pickupPointIds: string[] | null;
  tiers: MemberTier[] | null;
};

const PRODUCT_FIELDS = ['name', 'description', 'images'] as const;
const SKU_FIELDS = ['name', 'priceFen'] as const;
const CAMPAIGN_FIELDS = [
  'skuId',
  'title',
  'groupPriceFen',
  'tierPrices',
  'stock',
  'perMemberLimit',
  'minBuyers',
  'startsAt',
  'cutsOffAt',
  'pickupDate',
  'pickupPointIds',
  'tiers',
  'exclusive',
  'memberDayOnly',
  'tierDiscountApplies',
  'commissionBps',
] as const satisfies readonly (keyof UpdateCampaignRequest)[];
type ProductField = (typeof PRODUCT_FIELDS)[number];

export interface MemberPlace {
  pickupPointId: string;
  tier: MemberTier;
}

/** Where and as what a member shops, what their tier gives them today, and the points policy. */
export interface Shopper {
  place: MemberPlace;
  benefits: MemberBenefits;
  policy: PointsPolicy;
}

export interface CampaignRow {
  id: string;
  sku_id: string;
  product_id: string;
  title: string;
  product_name: string;
  sku_name: string;
  description: string;
  images: string[];
  list_price_fen: number;
  group_price_fen: number;
  tier_prices: Partial<Record<MemberTier, number>>;
  stock_total: number;
  stock_left: number;
  per_member_limit: number;
  min_buyers: number;
  starts_at: Date;
  cuts_off_at: Date;
  pickup_date: string;
  pickup_point_ids: string[] | null;
  tiers: MemberTier[] | null;
  tier_discount_applies: boolean;
  exclusive: boolean;
  member_day_only: boolean;
  commission_bps: number;
  status: 'draft' | 'published' | 'cut_off' | 'delivering' | 'closed' | 'failed';
  cursor_at: string;
}

// cursor_at: the keyset position of the shopper's list, which runs by cut-off.
const CAMPAIGN_SELECT = `
  SELECT c.*, p.id AS product_id, p.name AS product_name, s.name AS sku_name, p.description, p.images,
         s.price_fen AS list_price_fen, c.cuts_off_at::text AS cursor_at
  FROM campaigns c JOIN skus s ON s.id = c.sku_id JOIN products p ON p.id = s.product_id`;

interface ProductRow {
  id: string;
  name: string;
  description: string;
  images: string[];
  skus: Product['skus'] | null;
  cursor_at: string;
}

// cursor_at: the keyset position of the operator's list, newest first.
const PRODUCT_SELECT = `
  SELECT p.id, p.name, p.description, p.images, p.created_at::text AS cursor_at,
         (SELECT json_agg(json_build_object('id', s.id, 'name', s.name, 'priceFen', s.price_fen)
                          ORDER BY s.position, s.created_at)
          FROM skus s WHERE s.product_id = p.id) AS skus
  FROM products p`;

function toProduct({ cursor_at: _cursor, ...row }: ProductRow): Product {
  return { ...row, skus: row.skus ?? [] };
}

/** A published campaign is scheduled until it starts and live until its cut-off; the rest is stored. */
export function campaignState(
  row: Pick<CampaignRow, 'status' | 'starts_at' | 'cuts_off_at'>,
  now: Date,
): CampaignState {
  if (row.status !== 'published') return row.status;
  if (now < row.starts_at) return 'scheduled';
  return now < row.cuts_off_at ? 'live' : 'cut_off';
}

function toCampaign(row: CampaignRow, now: Date, buyers: number): Campaign {
  return {
    id: row.id,
    title: row.title,
    productName: row.product_name,
    skuName: row.sku_name,
    description: row.description,
    images: row.images,
    listPriceFen: row.list_price_fen,
    groupPriceFen: row.group_price_fen,
    tierPrices: row.tier_prices,
    state: campaignState(row, now),
    stockTotal: row.stock_total,
    stockLeft: row.stock_left,
    perMemberLimit: row.per_member_limit,
    minBuyers: row.min_buyers,
    startsAt: row.starts_at.toISOString(),
    cutsOffAt: row.cuts_off_at.toISOString(),
    pickupDate: row.pickup_date,
    tierDiscountApplies: row.tier_discount_applies,
    exclusive: row.exclusive,
    memberDayOnly: row.member_day_only,
    sold: row.stock_total - row.stock_left,
    buyers,
  };
}

function toAdminCampaign(row: CampaignRow, now: Date, buyers: number): AdminCampaign {
  return {
    ...toCampaign(row, now, buyers),
    skuId: row.sku_id,
    pickupPointIds: row.pickup_point_ids,
    tiers: row.tiers,
    commissionBps: row.commission_bps,
  };
}

/** The platform's catalogue and its group-buy campaigns, and what a shopper may see of them. */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly benefits: MemberBenefitsService,
    private readonly policies: PointsPolicyService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  async createProduct(ctx: RequestContext, request: CreateProductRequest): Promise<Product> {
    const [product] = await this.connection.query<{ id: string }>(
      ctx,
      `INSERT INTO products (name, description, images) VALUES ($1, $2, $3) RETURNING id`,
      [request.name, request.description ?? '', JSON.stringify(request.images ?? [])],
    );
    const skus = await this.connection.query<{
      id: string;
      name: string;
      price_fen: number;
      position: number;
    }>(
      ctx,
      `INSERT INTO skus (product_id, name, price_fen, position)
       SELECT $1, name, price, position
       FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS s(name, price, position)
       ORDER BY position
       RETURNING id, name, price_fen, position`,
      [product.id, request.skus.map((s) => s.name), request.skus.map((s) => s.priceFen)],
    );
    await this.audit.record(
      ctx,
      'product.create',
      { type: 'product', id: product.id },
      { name: request.name },
    );
    return {
      id: product.id,
      name: request.name,
      description: request.description ?? '',
      images: request.images ?? [],
      skus: skus
        .sort((a, b) => a.position - b.position)
        .map((s) => ({ id: s.id, name: s.name, priceFen: s.price_fen })),
    };
  }

  /** Changes a product's name, description or pictures, wherever its campaigns show them. */
  async updateProduct(
    ctx: RequestContext,
    productId: string,
    request: UpdateProductRequest,
  ): Promise<Product> {
    const given = fieldsToChange(request, PRODUCT_FIELDS);
    const [before] = await this.connection.query<Pick<Product, ProductField>>(
      ctx,
      `SELECT name, description, images FROM products WHERE id = $1 FOR UPDATE`,
      [productId],
    );
    if (!before) throw AppException.notFound('Product', { productId });
    await this.connection.query(
      ctx,
      `UPDATE products SET name = COALESCE($2, name), description = COALESCE($3, description),
         images = COALESCE($4::jsonb, images)
       WHERE id = $1`,
      [
        productId,
        request.name ?? null,
        request.description ?? null,
        request.images === undefined ? null : JSON.stringify(request.images),
      ],
    );
    await this.audit.record(
      ctx,
      'product.update',
      { type: 'product', id: productId },
      fieldChanges(given, before, request),
    );
    return this.product(ctx, productId);
  }

  /** Adds a SKU to a product, after the ones it has. */
  async addSku(ctx: RequestContext, productId: string, request: SkuRequest): Promise<Product> {
    const [sku] = await this.connection.query<{ id: string }>(
      ctx,
      `INSERT INTO skus (product_id, name, price_fen, position)
       SELECT p.id, $2, $3, COALESCE((SELECT MAX(position) + 1 FROM skus WHERE product_id = p.id), 1)
       FROM products p WHERE p.id = $1
       RETURNING id`,
      [productId, request.name, request.priceFen],
    );
    if (!sku) throw AppException.notFound('Product', { productId });
    await this.audit.record(
      ctx,
      'sku.create',
      { type: 'sku', id: sku.id },
      { productId, name: request.name, priceFen: request.priceFen },
    );
    return this.product(ctx, productId);
  }

  /** Renames a SKU or changes its list price (the price its campaigns show struck through). */
  async updateSku(ctx: RequestContext, skuId: string, request: UpdateSkuRequest): Promise<Product> {
    const given = fieldsToChange(request, SKU_FIELDS);
    const [before] = await this.connection.query<{
      product_id: string;
      name: string;
      priceFen: number;
    }>(ctx, `SELECT product_id, name, price_fen AS "priceFen" FROM skus WHERE id = $1 FOR UPDATE`, [
      skuId,
    ]);
    if (!before) throw AppException.notFound('SKU', { skuId });
    await this.connection.query(
      ctx,
      `UPDATE skus SET name = COALESCE($2, name), price_fen = COALESCE($3, price_fen) WHERE id = $1`,
      [skuId, request.name ?? null, request.priceFen ?? null],
    );
    await this.audit.record(
      ctx,
      'sku.update',
      { type: 'sku', id: skuId },
      fieldChanges(given, before, request),
    );
    return this.product(ctx, before.product_id);
  }

  async createCampaign(
    ctx: RequestContext,
    request: CreateCampaignRequest,
  ): Promise<AdminCampaign> {
    const fields: CampaignFields = {
      ...request,
      pickupPointIds: request.pickupPointIds ?? null,
      tiers: request.tiers ?? null,
    };
    await this.checkCampaign(ctx, fields);
    const [row] = await this.connection.query<{ id: string }>(
      ctx,
      `INSERT INTO campaigns (sku_id, title, group_price_fen, tier_prices, stock_total, stock_left, per_member_limit,
         min_buyers, starts_at, cuts_off_at, pickup_date, pickup_point_ids, tiers, tier_discount_applies, commission_bps,
         exclusive, member_day_only)
       VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
      campaignColumns(fields),
    );
    await this.audit.record(
      ctx,
      'campaign.create',
      { type: 'campaign', id: row.id },
      { title: request.title },
    );
    return this.adminCampaign(ctx, row.id);
  }

  /**
   * Changes any of a draft's fields; a scheduled or live campaign nobody has ordered from is
   * withdrawn to a draft first. The draft is locked while it is checked as a whole and written.
   */
  async updateCampaign(
    ctx: RequestContext,
    campaignId: string,
    request: UpdateCampaignRequest,
  ): Promise<AdminCampaign> {
    // null lifts a pickup-point or tier restriction.
    const given = fieldsToChange(request, CAMPAIGN_FIELDS, ['pickupPointIds', 'tiers']);
    const [row] = await this.connection.query<CampaignRow>(
      ctx,
      `${CAMPAIGN_SELECT} WHERE c.id = $1 FOR UPDATE OF c`,
      [campaignId],
    );
    if (!row) throw AppException.notFound('Campaign', { campaignId });
    if (row.status !== 'draft')
      throw campaignNotDraft(campaignId, campaignState(row, this.clock.now()));
    const before = campaignFields(row);
    const after: CampaignFields = { ...before };
    for (const field of given) Object.assign(after, { [field]: request[field] });
    await this.checkCampaign(ctx, after);
    await this.connection.query(
      ctx,
      `UPDATE campaigns SET sku_id = $1, title = $2, group_price_fen = $3, tier_prices = $4,
         stock_total = $5, stock_left = $5, per_member_limit = $6, min_buyers = $7, starts_at = $8,
         cuts_off_at = $9, pickup_date = $10, pickup_point_ids = $11, tiers = $12,
         tier_discount_applies = $13, commission_bps = $14, exclusive = $15, member_day_only = $16
       WHERE id = $17 AND status = 'draft'`,
      [...campaignColumns(after), campaignId],
    );
    await this.audit.record(
      ctx,
      'campaign.update',
      { type: 'campaign', id: campaignId },
      fieldChanges(given, before, after),
    );
    return this.adminCampaign(ctx, campaignId);
  }

  /**
   * Takes a scheduled or live campaign back to a draft while no order holds any of its units:
   * shoppers stop seeing it, and an order racing the withdrawal fails at its stock update,
   * which needs the campaign published.
   */
  async withdraw(ctx: RequestContext, campaignId: string): Promise<AdminCampaign> {
    const withdrawn = await this.connection.query(
      ctx,
      `UPDATE campaigns SET status = 'draft'
       WHERE id = $1 AND status = 'published' AND cuts_off_at > $2 AND stock_left = stock_total
       RETURNING id`,
      [campaignId, this.clock.now()],
    );
    if (withdrawn.length === 0) {
      const campaign = await this.adminCampaign(ctx, campaignId);
      if (campaign.state !== 'scheduled' && campaign.state !== 'live')
        throw campaignNotOpen(campaignId, campaign.state);
      throw campaignOrdered(campaignId, campaign.sold);
    }
    await this.audit.record(ctx, 'campaign.withdraw', { type: 'campaign', id: campaignId });
    return this.adminCampaign(ctx, campaignId);
  }

  /** 404 for an unknown SKU or pickup point, 422 for a campaign that cannot run as asked. */
  private async checkCampaign(ctx: RequestContext, fields: CampaignFields): Promise<void> {
    const [sku] = await this.connection.query(ctx, `SELECT 1 FROM skus WHERE id = $1`, [
      fields.skuId,
    ]);
    if (!sku) throw AppException.notFound('SKU', { skuId: fields.skuId });
    if (fields.pickupPointIds) {
      const unknown = await unknownIds(
        this.connection,
        ctx,
        'pickup_points',
        fields.pickupPointIds,
      );
      // Offered only at points that do not exist, a campaign would be offered nowhere.
      if (unknown.length > 0)
        throw AppException.notFound('Pickup point', { pickupPointIds: unknown });
    }
    // Locked: a change of the member day waits, and then sees this campaign.
    const { memberDay } = fields.memberDayOnly
      ? await this.policies.get(ctx, { lock: true })
      : { memberDay: null };
    const problems = campaignProblems(
      fields,
      memberDay,
      await this.benefits.tierDiscounts(ctx),
      this.clock.now(),
    );
    if (problems.length > 0) throw campaignInvalid(problems);
  }

  async publish(ctx: RequestContext, campaignId: string): Promise<AdminCampaign> {
    const [published] = await this.connection.query<{
      member_day_only: boolean;
      starts_at: Date;
      cuts_off_at: Date;
      group_price_fen: number;
      tier_prices: TierPriceMap;
      tier_discount_applies: boolean;
    }>(
      ctx,
      `UPDATE campaigns SET status = 'published' WHERE id = $1 AND status = 'draft' AND cuts_off_at > $2
       RETURNING member_day_only, starts_at, cuts_off_at, group_price_fen, tier_prices, tier_discount_applies`,
      [campaignId, this.clock.now()],
    );
    if (!published) {
      const campaign = await this.adminCampaign(ctx, campaignId);
      throw campaignNotOpen(campaignId, campaign.state);
    }
    if (published.member_day_only) {
      // The member day may have changed since the draft was checked.
      const { memberDay } = await this.policies.get(ctx, { lock: true });
      if (!takesMemberDay(published.starts_at, published.cuts_off_at, memberDay, this.clock.now()))
        throw campaignInvalid([memberDayProblem(memberDay)]);
    }
    // The tier rules may have changed since the draft was checked.
    const misordered = tierPriceOrderProblems(
      published.group_price_fen,
      published.tier_prices,
      published.tier_discount_applies,
      await this.benefits.tierDiscounts(ctx),
    );
    if (misordered.length > 0) throw campaignInvalid(misordered);
    await this.audit.record(ctx, 'campaign.publish', { type: 'campaign', id: campaignId });
    return this.adminCampaign(ctx, campaignId);
  }

  /**
   * Adds units to a campaign that is still open, or takes unsold ones out: its total and what
   * is left move together in one guarded update, so units sold stay sold and what is left never
   * goes below zero, whatever orders are taking or returning meanwhile.
   */
  async changeStock(
    ctx: RequestContext,
    campaignId: string,
    request: StockChangeRequest,
  ): Promise<AdminCampaign> {
    const now = this.clock.now();
    // The total keeps to what a campaign is created with: within MOST_CAMPAIGN_STOCK, and no
    // fewer units than the buyers it needs to form or one member may buy.
    const changed = await this.connection.query(
      ctx,
      `UPDATE campaigns SET stock_total = stock_total + $2, stock_left = stock_left + $2
       WHERE id = $1 AND status IN ('draft', 'published') AND cuts_off_at > $3
         AND stock_left + $2 >= 0
         AND stock_total + $2 BETWEEN GREATEST(1, min_buyers, per_member_limit) AND $4
       RETURNING id`,
      [campaignId, request.change, now, MOST_CAMPAIGN_STOCK],
    );
    if (changed.length === 0) {
      const campaign = await this.adminCampaign(ctx, campaignId);
      if (
        !['draft', 'scheduled', 'live'].includes(campaign.state) ||
        Date.parse(campaign.cutsOffAt) <= now.getTime()
      )
        throw campaignNotOpen(campaignId, campaign.state);
      const problems = stockProblems({ ...campaign, stock: campaign.stockTotal + request.change });
      // Refused for nothing the total breaks, it was for units taken by orders meanwhile.
      if (campaign.stockLeft + request.change < 0 || problems.length === 0)
        throw notEnoughUnsold(campaignId, campaign.stockLeft);
      throw campaignInvalid(problems);
    }
    await this.audit.record(
      ctx,
      'campaign.stock',
      { type: 'campaign', id: campaignId },
      { change: request.change, reason: request.reason },
    );
    return this.adminCampaign(ctx, campaignId);
  }

  /**
   * Moves a group-buy's pickup to a later day, as when its supplier is late: from publication
   * until the goods are handed out. Every neighbour whose paid order of it is not at the pickup
   * point yet is told the new day and why, once, and so is the leader of each point it goes to;
   * the same day again changes nothing.
   */
  async postponePickup(
    ctx: RequestContext,
    campaignId: string,
    request: PostponePickupRequest,
  ): Promise<AdminCampaign> {
    const [row] = await this.connection.query<CampaignRow>(
      ctx,
      `${CAMPAIGN_SELECT} WHERE c.id = $1 FOR UPDATE OF c`,
      [campaignId],
    );
    if (!row) throw AppException.notFound('Campaign', { campaignId });
    if (row.pickup_date === request.pickupDate) return this.adminCampaign(ctx, campaignId);
    if (!['published', 'cut_off', 'delivering'].includes(row.status))
      throw campaignNotOpen(campaignId, campaignState(row, this.clock.now()));
    if (request.pickupDate < row.pickup_date)
      throw campaignInvalid([`pickup can only move later than ${row.pickup_date}`]);
    await this.connection.query(ctx, `UPDATE campaigns SET pickup_date = $2 WHERE id = $1`, [
      campaignId,
      request.pickupDate,
    ]);
    const waiting = await this.connection.query<{
      id: string;
      member_id: string;
      pickup_point_id: string;
      leader_member_id: string | null;
    }>(
      ctx,
      `SELECT DISTINCT o.id, o.member_id, o.pickup_point_id, p.leader_member_id
       FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN pickup_points p ON p.id = o.pickup_point_id
       WHERE l.campaign_id = $1 AND l.refunded_quantity < l.quantity
         AND o.state IN ('paid', 'confirmed', 'delivering')`,
      [campaignId],
    );
    const [, month, day] = request.pickupDate.split('-').map(Number);
    const newDay = `${month}月${day}日`;
    // The leaders of the points the goods go to, once each: their deliveries move too.
    const leaders = new Map(
      waiting
        .filter((o) => o.leader_member_id !== null)
        .map((o) => [o.pickup_point_id, o.leader_member_id as string]),
    );
    await this.notifications.notifyMany(ctx, [
      ...waiting.map((order) => ({
        memberId: order.member_id,
        kind: 'pickup_postponed' as const,
        dedupeKey: `pickup-postponed:${campaignId}:${request.pickupDate}:${order.id}`,
        title: '取货时间有调整',
        body: `「${row.title}」改为 ${newDay} 到自提点取货：${request.reason}`,
        data: { orderId: order.id, campaignId, pickupDate: request.pickupDate },
      })),
      ...[...leaders].map(([pickupPointId, leaderId]) => ({
        memberId: leaderId,
        kind: 'pickup_postponed' as const,
        dedupeKey: `pickup-postponed:${campaignId}:${request.pickupDate}:point:${pickupPointId}`,
        title: '到货时间有调整',
        body: `「${row.title}」改为 ${newDay} 送到你的自提点，已告知下单的邻居：${request.reason}`,
        data: { campaignId, pickupDate: request.pickupDate, pickupPointId },
      })),
    ]);
    await this.audit.record(
      ctx,
      'campaign.postpone_pickup',
      { type: 'campaign', id: campaignId },
      {
        before: row.pickup_date,
        after: request.pickupDate,
        reason: request.reason,
        told: waiting.length,
      },
    );
    return this.adminCampaign(ctx, campaignId);
  }

  /** Products, newest first, with their SKUs. */
  async products(ctx: RequestContext, query: ProductQuery): Promise<ProductPage> {
    const after = decodeCursor(query.cursor);
    const rows = await this.connection.query<ProductRow>(
      ctx,
      `${PRODUCT_SELECT}
       WHERE ($1::text IS NULL OR p.name ILIKE $1)
         AND ($2::timestamptz IS NULL OR (p.created_at, p.id) < ($2::timestamptz, $3::uuid))
       ORDER BY p.created_at DESC, p.id DESC
       LIMIT $4`,
      [
        query.q === undefined ? null : containing(query.q),
        after?.at ?? null,
        after?.id ?? null,
        query.limit + 1,
      ],
    );
    const { shown, nextCursor } = keysetPage(rows, query.limit);
    return {
      items: shown.map(toProduct),
      nextCursor,
    };
  }

  private async product(ctx: RequestContext, productId: string): Promise<Product> {
    const [row] = await this.connection.query<ProductRow>(
      ctx,
      `${PRODUCT_SELECT} WHERE p.id = $1`,
      [productId],
    );
    if (!row) throw AppException.notFound('Product', { productId });
    return toProduct(row);
  }

  /** Campaigns in every state, the latest cut-off first, narrowed by title and by state. */
  async adminCampaigns(ctx: RequestContext, query: AdminCampaignQuery): Promise<AdminCampaignPage> {
    const after = decodeCursor(query.cursor);
    const now = this.clock.now();
    // The states campaignState gives, as conditions on the stored status and the times.
    const rows = await this.connection.query<CampaignRow>(
      ctx,
      `${CAMPAIGN_SELECT}
       WHERE ($1::text IS NULL OR c.title ILIKE $1)
         AND ($2::text IS NULL
              OR (c.status = 'published' AND CASE WHEN $3 < c.starts_at THEN 'scheduled'
                                                  WHEN $3 < c.cuts_off_at THEN 'live'
                                                  ELSE 'cut_off' END = $2)
              OR (c.status <> 'published' AND c.status = $2))
         AND ($4::timestamptz IS NULL OR (c.cuts_off_at, c.id) < ($4::timestamptz, $5::uuid))
       ORDER BY c.cuts_off_at DESC, c.id DESC
       LIMIT $6`,
      [
        query.q === undefined ? null : containing(query.q),
        query.state ?? null,
        now,
        after?.at ?? null,
        after?.id ?? null,
        query.limit + 1,
      ],
    );
    const { shown, nextCursor } = keysetPage(rows, query.limit);
    const buyers = await this.buyersOf(ctx, shown);
    return {
      items: shown.map((row) => toAdminCampaign(row, now, buyers.get(row.id) ?? 0)),
      nextCursor,
    };
  }

  async adminCampaign(ctx: RequestContext, campaignId: string): Promise<AdminCampaign> {
    const [row] = await this.connection.query<CampaignRow>(
      ctx,
      `${CAMPAIGN_SELECT} WHERE c.id = $1`,
      [campaignId],
    );
    if (!row) throw AppException.notFound('Campaign', { campaignId });
    const buyers = await this.buyersOf(ctx, [row]);
    return toAdminCampaign(row, this.clock.now(), buyers.get(row.id) ?? 0);
  }

  /**
   * Live campaigns the member can buy at their pickup point, with their own price, the ones
   * cutting off soonest first, a page at a time.
   */
  async listForMember(
    ctx: RequestContext,
    memberId: string,
    page: PageQuery,
  ): Promise<{ items: ShopperCampaign[]; nextCursor: string | null }> {
    const after = decodeCursor(page.cursor);
    const shopper = await this.shopperOf(ctx, memberId);
    const now = this.clock.now();
    const rows = await this.liveRows(ctx, shopper, now, { after, limit: page.limit + 1 });
    const { shown, nextCursor } = keysetPage(rows, page.limit);
    return { items: await this.viewsFor(ctx, memberId, shopper, shown, now), nextCursor };
  }

  /**
   * The campaigns the shopper can buy at `now`, as GET /campaigns lists them: published and
   * between start and cut-off, at their pickup point, for their tier, member-exclusive ones
   * only when their tier's benefits include them, and member-day ones only on the member day;
   * cutting off soonest first, after `after`; with `inStockOnly`, not those sold out.
   */
  async liveRows(
    ctx: RequestContext,
    { place, benefits }: Pick<Shopper, 'place' | 'benefits'>,
    now: Date,
    {
      after = null,
      limit,
      inStockOnly = false,
    }: { after?: KeysetCursor | null; limit: number; inStockOnly?: boolean },
  ): Promise<CampaignRow[]> {
    return this.connection.query<CampaignRow>(
      ctx,
      `${CAMPAIGN_SELECT}
       WHERE c.status = 'published' AND c.starts_at <= $1 AND c.cuts_off_at > $1
         AND (c.pickup_point_ids IS NULL OR $2 = ANY(c.pickup_point_ids))
         AND (c.tiers IS NULL OR $3 = ANY(c.tiers)) AND (NOT c.exclusive OR $7)
         AND (NOT c.member_day_only OR $8) AND (NOT $9 OR c.stock_left > 0)
         AND ($4::timestamptz IS NULL OR (c.cuts_off_at, c.id) > ($4::timestamptz, $5::uuid))
       ORDER BY c.cuts_off_at, c.id LIMIT $6`,
      [
        now,
        place.pickupPointId,
        place.tier,
        after?.at ?? null,
        after?.id ?? null,
        limit,
        benefits.exclusiveCampaigns,
        benefits.memberDay,
        inStockOnly,
      ],
    );
  }

  /**
   * The campaigns as the member sees them, in the order given: their price for the member's
   * tier, stock, buyers, the units the member holds and the countdown from `now`.
   */
  async viewsFor(
    ctx: RequestContext,
    memberId: string,
    { place, benefits }: Pick<Shopper, 'place' | 'benefits'>,
    rows: CampaignRow[],
    now: Date,
  ): Promise<ShopperCampaign[]> {
    const counts = await this.shopperCounts(ctx, memberId, rows);
    return rows.map((row) =>
      this.forShopper(row, place.tier, benefits.discountBps, now, counts.get(row.id)),
    );
  }

  /** One campaign as the member sees it; 404 when it is not offered to them. */
  async getForMember(
    ctx: RequestContext,
    memberId: string,
    campaignId: string,
  ): Promise<ShopperCampaign> {
    const shopper = await this.shopperOf(ctx, memberId);
    const row = await this.visibleRow(ctx, shopper, campaignId);
    const [view] = await this.viewsFor(ctx, memberId, shopper, [row], this.clock.now());
    return view;
  }

  /**
   * For each campaign, in one read: its buyers (as buyersOf counts them) and the units the
   * member holds of it (as alreadyOrdered reads them).
   */
  private async shopperCounts(
    ctx: RequestContext,
    memberId: string,
    rows: CampaignRow[],
  ): Promise<Map<string, ShopperCounts>> {
    if (rows.length === 0) return new Map();
    const counts = await this.connection.query<{
      campaign_id: string;
      buyers: number;
      your_quantity: number;
    }>(
      ctx,
      `SELECT c.id AS campaign_id,
              (SELECT COUNT(*)::int FROM campaign_buyers b
               WHERE b.campaign_id = c.id AND b.paid_orders > 0) AS buyers,
              COALESCE((SELECT q.quantity FROM campaign_member_quantities q
                        WHERE q.campaign_id = c.id AND q.member_id = $2), 0) AS your_quantity
       FROM unnest($1::uuid[]) AS c(id)`,
      [rows.map((row) => row.id), memberId],
    );
    return new Map(
      counts.map((c) => [c.campaign_id, { buyers: c.buyers, yourQuantity: c.your_quantity }]),
    );
  }

  /** Units of each campaign the member holds in orders not cancelled: what its limit counts. */
  async alreadyOrdered(
    ctx: RequestContext,
    memberId: string,
    campaignIds: string[],
  ): Promise<Map<string, number>> {
    const rows = await this.connection.query<{ campaign_id: string; quantity: number }>(
      ctx,
      `SELECT campaign_id, quantity FROM campaign_member_quantities
       WHERE member_id = $1 AND campaign_id = ANY($2::uuid[])`,
      [memberId, campaignIds],
    );
    return new Map(rows.map((r) => [r.campaign_id, r.quantity]));
  }

  /**
   * Members who have paid for each campaign and not had it cancelled or refunded: the buyers
   * its cut-off counts against the minimum (成团人数).
   */
  private async buyersOf(ctx: RequestContext, rows: CampaignRow[]): Promise<Map<string, number>> {
    if (rows.length === 0) return new Map();
    const counts = await this.connection.query<{ campaign_id: string; buyers: number }>(
      ctx,
      `SELECT campaign_id, COUNT(*)::int AS buyers FROM campaign_buyers
       WHERE campaign_id = ANY($1::uuid[]) AND paid_orders > 0
       GROUP BY campaign_id`,
      [rows.map((row) => row.id)],
    );
    return new Map(counts.map((c) => [c.campaign_id, c.buyers]));
  }

  /**
   * The campaign row when it is offered to the member (published, their pickup point, their
   * tier, their tier's benefit when it is member-exclusive, the member day when it is for it).
   */
  async visibleRow(
    ctx: RequestContext,
    shopper: Pick<Shopper, 'place' | 'benefits'>,
    campaignId: string,
  ): Promise<CampaignRow> {
    const [row] = await this.visibleRows(ctx, shopper, [campaignId]);
    if (!row) throw AppException.notFound('Campaign', { campaignId });
    return row;
  }

  /** The rows of those campaigns that are offered to the member, in one read; the others are missing. */
  async visibleRows(
    ctx: RequestContext,
    { place, benefits }: Pick<Shopper, 'place' | 'benefits'>,
    campaignIds: string[],
  ): Promise<CampaignRow[]> {
    return this.connection.query<CampaignRow>(
      ctx,
      `${CAMPAIGN_SELECT}
       WHERE c.id = ANY($1::uuid[]) AND c.status <> 'draft'
         AND (c.pickup_point_ids IS NULL OR $2 = ANY(c.pickup_point_ids))
         AND (c.tiers IS NULL OR $3 = ANY(c.tiers)) AND (NOT c.exclusive OR $4)
         AND (NOT c.member_day_only OR $5)`,
      [
        campaignIds,
        place.pickupPointId,
        place.tier,
        benefits.exclusiveCampaigns,
        benefits.memberDay,
      ],
    );
  }

  /**
   * Where and as what the member shops, with what their tier gives them today and the points
   * policy, in one read; PICKUP_POINT_REQUIRED before they choose a pickup point.
   */
  async shopperOf(ctx: RequestContext, memberId: string): Promise<Shopper> {
    const { tier, pickupPointId, benefits, policy } = await this.benefits.standing(ctx, memberId);
    if (!pickupPointId) throw pickupPointRequired();
    return { place: { pickupPointId, tier }, benefits, policy };
  }

  private forShopper(
    row: CampaignRow,
    tier: MemberTier,
    discountBps: number,
    now: Date,
    { buyers, yourQuantity }: ShopperCounts = { buyers: 0, yourQuantity: 0 },
  ): ShopperCampaign {
    const yourPriceFen = afterTierFen(
      {
        quantity: 1,
        unitPriceFen: row.group_price_fen,
        tierUnitPriceFen: row.tier_prices[tier] ?? null,
        tierDiscountApplies: row.tier_discount_applies,
      },
      discountBps,
    );
    return {
      ...toCampaign(row, now, buyers),
      yourPriceFen,
      yourQuantity,
      secondsToCutOff: Math.max(0, Math.floor((row.cuts_off_at.getTime() - now.getTime()) / 1000)),
    };
  }
}

type TierPriceMap = Partial<Record<MemberTier, number>>;

/** Why a member-day campaign cannot run between its start (or now) and cut-off. */
const memberDayProblem = (memberDay: number | null) =>
  memberDay === null
    ? 'a member-day campaign needs a member day in the points policy'
    : `no member day (the ${memberDay}th) is still to come before the cut-off`;

/** What makes a campaign impossible to run as asked. */
export function campaignProblems(
  request: Omit<CreateCampaignRequest, 'pickupPointIds' | 'tiers'>,
  memberDay: number | null,
  tiers: readonly TierDiscount[],
  now: Date,
): string[] {
  const problems: string[] = [];
  const starts = new Date(request.startsAt);
  const cutsOff = new Date(request.cutsOffAt);
  if (!(starts < cutsOff)) problems.push('the cut-off must come after the start');
  else if (request.memberDayOnly && !takesMemberDay(starts, cutsOff, memberDay, now))
    problems.push(memberDayProblem(memberDay));
  if (request.pickupDate < businessDay(cutsOff))
    problems.push('pickup cannot be before the cut-off day');
  for (const [tier, price] of Object.entries(request.tierPrices ?? {})) {
    if (price !== undefined && price > request.groupPriceFen)
      problems.push(`the ${tier} price is above the group price`);
  }
  return [
    ...problems,
    ...tierPriceOrderProblems(
      request.groupPriceFen,
      (request.tierPrices as TierPriceMap | undefined) ?? {},
      request.tierDiscountApplies ?? true,
      tiers,
    ),
    ...stockProblems(request),
  ];
}

/** Where a unit costs a higher tier more than the tier below it, under these tiers' discounts. */
function tierPriceOrderProblems(
  groupPriceFen: number,
  tierPrices: TierPriceMap,
  tierDiscountApplies: boolean,
  tiers: readonly TierDiscount[],
): string[] {
  // Lowest tier first.
  const unitPrices = tiers.map(({ code, discountBps }) => ({
    code,
    fen: afterTierFen(
      {
        quantity: 1,
        unitPriceFen: groupPriceFen,
        tierUnitPriceFen: tierPrices[code] ?? null,
        tierDiscountApplies,
      },
      discountBps,
    ),
  }));
  return unitPrices.flatMap(({ code, fen }, i) => {
    const below = unitPrices[i - 1];
    return below && fen > below.fen
      ? [`the ${code} price, ${fen} fen, is above the ${below.code} price, ${below.fen} fen`]
      : [];
  });
}

/** What is wrong with a campaign's stock beside its limits, at creation or after a change. */
function stockProblems(campaign: {
  stock: number;
  perMemberLimit: number;
  minBuyers: number;
}): string[] {
  const problems: string[] = [];
  if (campaign.stock < 1) problems.push('a campaign keeps at least one unit');
  if (campaign.stock > MOST_CAMPAIGN_STOCK)
    problems.push(`a campaign holds at most ${MOST_CAMPAIGN_STOCK} units`);
  if (campaign.perMemberLimit > campaign.stock)
    problems.push('the per-member limit is above the stock');
  // Every buyer takes a unit at least: with fewer units than buyers the group can never form.
  if (campaign.minBuyers > campaign.stock)
    problems.push('more buyers are needed to form than there are units');
  return problems;
}

/** The values of a campaign's columns, in the order createCampaign and updateCampaign write them. */
function campaignColumns(fields: CampaignFields): unknown[] {
  return [
    fields.skuId,
    fields.title,
    fields.groupPriceFen,
    JSON.stringify(fields.tierPrices ?? {}),
    fields.stock,
    fields.perMemberLimit,
    fields.minBuyers,
    fields.startsAt,
    fields.cutsOffAt,
    fields.pickupDate,
    fields.pickupPointIds,
    fields.tiers,
    fields.tierDiscountApplies ?? true,
    fields.commissionBps ?? 1000,
    fields.exclusive ?? false,
    fields.memberDayOnly ?? false,
  ];
}

/** A draft's fields as an operator writes them (a draft has sold nothing: its stock is its total). */
function campaignFields(row: CampaignRow): CampaignFields {
  return {
    skuId: row.sku_id,
    title: row.title,
    groupPriceFen: row.group_price_fen,
    tierPrices: row.tier_prices,
    stock: row.stock_total,
    perMemberLimit: row.per_member_limit,
    minBuyers: row.min_buyers,
    startsAt: row.starts_at.toISOString(),
    cutsOffAt: row.cuts_off_at.toISOString(),
    pickupDate: row.pickup_date,
    pickupPointIds: row.pickup_point_ids,
    tiers: row.tiers,
    exclusive: row.exclusive,
    memberDayOnly: row.member_day_only,
    tierDiscountApplies: row.tier_discount_applies,
    commissionBps: row.commission_bps,
  };
}
