import { Injectable } from '@nestjs/common';
import { BOUGHT_ORDER_STATES, rankRecommendations, RecommendationSignals } from '@linli/domain';
import { Clock } from '../../common/clock';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { CampaignRow, CampaignsService } from '../group-buy/campaigns.service';
import { purchased } from '../group-buy/purchases.sql';
import { RecommendationList } from './dto/recommendation.dto';

const DAY_MS = 86_400_000;

/** How far back neighbours' purchases count, by when they were paid. */
export const RECENT_DAYS = 60;
/**
 * The most of neighbours' orders read, the latest first (a few weeks of a pickup point serving
 * a couple of hundred orders a day): a busier point's window is shorter than RECENT_DAYS, so
 * that a recommendation costs the same at a point with millions of orders as at one with
 * thousands, each order read being one index look-up of its lines.
 */
export const RECENT_ORDERS = 5_000;
/** The member's own latest orders that make their history. */
export const OWN_ORDERS = 200;
/** Live group-buys considered, cutting off soonest first. */
const CANDIDATES = 200;

/** The parameters of RECOMMENDATION_SIGNALS: the member at their pickup point, at `now`. */
export function signalParameters(
  memberId: string,
  pickupPointId: string,
  now: Date,
  candidates: Pick<CampaignRow, 'id' | 'product_id'>[],
): unknown[] {
  return [
    memberId,
    pickupPointId,
    BOUGHT_ORDER_STATES,
    new Date(now.getTime() - RECENT_DAYS * DAY_MS),
    RECENT_ORDERS,
    OWN_ORDERS,
    candidates.map((row) => row.id),
    candidates.map((row) => row.product_id),
  ];
}

interface SignalRow {
  campaign_id: string;
  neighbours: number;
  bought_before: boolean;
  recent_buyers: number;
  campaign_buyers: number;
}

/**
 * For each candidate (campaign and product, $7 and $8): neighbours ($2's members other than
 * $1) who bought its product and another the member bought, in the latest $5 of their
 * purchases paid since $4; whether the member bought it in their latest $6 bought orders; neighbours
 * who bought it in those orders; and the campaign's own buyers. $3: the bought states. A line
 * refunded whole was not bought.
 */
export const RECOMMENDATION_SIGNALS = `
  WITH history AS MATERIALIZED (
    SELECT DISTINCT s.product_id
    FROM (SELECT o.id FROM orders o
          WHERE o.member_id = $1 AND o.state = ANY($3::text[])
          ORDER BY o.created_at DESC LIMIT $6) own
    JOIN order_lines l ON l.order_id = own.id AND l.refunded_quantity < l.quantity
    JOIN campaigns c ON c.id = l.campaign_id JOIN skus s ON s.id = c.sku_id
  ),
  recent AS MATERIALIZED (
    SELECT DISTINCT theirs.member_id, s.product_id
    FROM (SELECT o.id, o.member_id FROM orders o
          WHERE o.pickup_point_id = $2 AND ${purchased('o')} AND o.paid_at >= $4
            AND o.member_id <> $1
          ORDER BY o.paid_at DESC LIMIT $5) theirs
    JOIN order_lines l ON l.order_id = theirs.id AND l.refunded_quantity < l.quantity
    JOIN campaigns c ON c.id = l.campaign_id JOIN skus s ON s.id = c.sku_id
  ),
  alike AS (
    SELECT r.member_id, COUNT(*) AS shared
    FROM recent r JOIN history h ON h.product_id = r.product_id
    GROUP BY r.member_id
  ),
  by_product AS (
    SELECT r.product_id, COUNT(*)::int AS recent_buyers,
           -- Having bought this very product of the member's alone is no co-purchase of it.
           COUNT(*) FILTER (
             WHERE a.shared > (r.product_id IN (SELECT product_id FROM history))::int
           )::int AS neighbours
    FROM recent r LEFT JOIN alike a ON a.member_id = r.member_id
    WHERE r.product_id = ANY($8::uuid[])
    GROUP BY r.product_id
  )
  SELECT x.campaign_id, COALESCE(p.neighbours, 0) AS neighbours,
         x.product_id IN (SELECT product_id FROM history) AS bought_before,
         COALESCE(p.recent_buyers, 0) AS recent_buyers,
         (SELECT COUNT(*)::int FROM campaign_buyers b
          WHERE b.campaign_id = x.campaign_id AND b.paid_orders > 0) AS campaign_buyers
  FROM unnest($7::uuid[], $8::uuid[]) AS x(campaign_id, product_id)
  LEFT JOIN by_product p ON p.product_id = x.product_id`;

/**
 * 猜你喜欢 (DESIGN.md section 9): of the group-buys the member could buy now, those neighbours
 * at their pickup point who bought what they bought also bought, those they bought before, and
 * those neighbours there buy most. The signals are read in one statement, the blend is the
 * domain's, and each group-buy is shown as GET /campaigns shows it.
 */
@Injectable()
export class RecommendationsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly campaigns: CampaignsService,
    private readonly clock: Clock,
  ) {}

  /** At most `limit`, best first; PICKUP_POINT_REQUIRED before the member chooses a point. */
  async forMember(
    ctx: RequestContext,
    memberId: string,
    limit: number,
  ): Promise<RecommendationList> {
    const shopper = await this.campaigns.shopperOf(ctx, memberId);
    const now = this.clock.now();
    const live = await this.campaigns.liveRows(ctx, shopper, now, {
      limit: CANDIDATES,
      inStockOnly: true,
    });
    const held = await this.campaigns.alreadyOrdered(
      ctx,
      memberId,
      live.map((row) => row.id),
    );
    const candidates = live.filter((row) => !held.get(row.id));
    if (candidates.length === 0) return { items: [], nextCursor: null };
    const signals = await this.signals(ctx, memberId, shopper.place.pickupPointId, now, candidates);
    const ranked = rankRecommendations(signals, limit);
    const rows = new Map(candidates.map((row) => [row.id, row]));
    const views = await this.campaigns.viewsFor(
      ctx,
      memberId,
      shopper,
      ranked.map((r) => rows.get(r.campaignId) as CampaignRow),
      now,
    );
    return {
      items: ranked.map(({ reason }, i) => ({ reason, campaign: views[i] })),
      nextCursor: null,
    };
  }

  private async signals(
    ctx: RequestContext,
    memberId: string,
    pickupPointId: string,
    now: Date,
    candidates: CampaignRow[],
  ): Promise<RecommendationSignals[]> {
    const rows = await this.connection.query<SignalRow>(
      ctx,
      RECOMMENDATION_SIGNALS,
      signalParameters(memberId, pickupPointId, now, candidates),
    );
    const cutsOffAt = new Map(candidates.map((row) => [row.id, row.cuts_off_at]));
    return rows.map((row) => ({
      campaignId: row.campaign_id,
      cutsOffAt: cutsOffAt.get(row.campaign_id) as Date,
      neighbours: row.neighbours,
      boughtBefore: row.bought_before,
      recentBuyers: row.recent_buyers,
      campaignBuyers: row.campaign_buyers,
    }));
  }
}
