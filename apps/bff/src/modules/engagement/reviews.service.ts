import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { decodeCursor, keysetPage, PageQuery } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AuditService } from '../audit/audit.service';
import { PointsLedger } from '../points/points-ledger.service';
import { PointsPolicyService } from '../points/points-policy.service';
import { MemberTiersService } from '../tiers/member-tiers.service';
import {
  CampaignReview,
  CampaignReviewPage,
  ProductReviewPage,
  ReviewRequest,
  ReviewView,
} from './dto/review.dto';

/**
 * Reviews of what a member picked up (DESIGN.md section 8): one an order line, earning the
 * policy's points (at once) and growth (once the order completes) once; a line refunded whole
 * has nothing left to review, and its refund takes back the points a review of it earned. Neighbours
 * read a product's reviews on its group-buys; operators can hide one.
 */
@Injectable()
export class ReviewsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly policies: PointsPolicyService,
    private readonly ledger: PointsLedger,
    private readonly tiers: MemberTiersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async review(
    ctx: RequestContext,
    memberId: string,
    orderId: string,
    request: ReviewRequest,
  ): Promise<ReviewView> {
    // Another member's order is as unknown as one that does not exist. A refund holds the order's
    // lock: sharing it, this review waits for a refund and then reads the units it took back, or
    // a refund waits for this review and takes back what it earned.
    const [order] = await this.connection.query<{ state: string; picked_up_at: Date | null }>(
      ctx,
      `SELECT state, picked_up_at FROM orders WHERE id = $2 AND member_id = $1 FOR SHARE`,
      [memberId, orderId],
    );
    const [line] = order
      ? await this.connection.query<{ quantity: number; refunded_quantity: number }>(
          ctx,
          `SELECT quantity, refunded_quantity FROM order_lines WHERE id = $2 AND order_id = $1`,
          [orderId, request.orderLineId],
        )
      : [];
    if (!line)
      throw AppException.notFound('Order line', { orderId, orderLineId: request.orderLineId });
    if (!order.picked_up_at || line.refunded_quantity >= line.quantity)
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.OrderStateInvalid,
        'Only goods picked up and kept can be reviewed',
        { state: order.state, refunded: line.refunded_quantity >= line.quantity },
      );
    const { reviewPoints, reviewGrowth } = await this.policies.get(ctx);
    // Of two reviews of a line at once, the second waits on the first's row and inserts nothing.
    const [written] = await this.connection.query<{ created_at: Date }>(
      ctx,
      `INSERT INTO reviews (order_line_id, order_id, member_id, rating, text, points, growth, product_id)
       SELECT $1, $2, $3, $4, $5, $6, $7, s.product_id
       FROM order_lines l JOIN campaigns c ON c.id = l.campaign_id JOIN skus s ON s.id = c.sku_id
       WHERE l.id = $1
       ON CONFLICT (order_line_id) DO NOTHING
       RETURNING created_at`,
      [
        request.orderLineId,
        orderId,
        memberId,
        request.rating,
        request.text,
        reviewPoints,
        reviewGrowth,
      ],
    );
    if (!written)
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.ReviewAlreadyWritten,
        'This order line is already reviewed',
        { orderLineId: request.orderLineId },
      );
    const source = { type: 'review', id: request.orderLineId };
    if (reviewPoints > 0) await this.ledger.grant(ctx, memberId, source, reviewPoints, '评价奖励');
    // Growth, as an order's own, counts once the after-sales window has closed on the goods: a
    // refund before then has nothing to take back, not even a tier the review would have reached.
    if (reviewGrowth > 0 && order.state === 'completed')
      await this.tiers.recordGrowth(ctx, memberId, source, reviewGrowth);
    return {
      orderLineId: request.orderLineId,
      rating: request.rating,
      text: request.text,
      pointsAwarded: reviewPoints,
      growthAwarded: reviewGrowth,
      createdAt: written.created_at.toISOString(),
    };
  }

  /**
   * What neighbours said of a group-buy, for operators: how many gave each rating, and the
   * reviews, newest first, hidden ones too.
   */
  async forCampaign(
    ctx: RequestContext,
    campaignId: string,
    page: PageQuery,
  ): Promise<CampaignReviewPage> {
    const [summary] = await this.connection.query<Summary>(
      ctx,
      `SELECT ${SUMMARY}
       FROM campaigns c LEFT JOIN order_lines l ON l.campaign_id = c.id
         LEFT JOIN reviews r ON r.order_line_id = l.id
       WHERE c.id = $1 GROUP BY c.id`,
      [campaignId],
    );
    if (!summary) throw AppException.notFound('Campaign', { campaignId });
    const after = decodeCursor(page.cursor);
    const rows = await this.connection.query<ReviewRow>(
      ctx,
      `${SELECT_REVIEWS}
       WHERE l.campaign_id = $1
         AND ($2::timestamptz IS NULL OR (r.created_at, r.order_line_id) < ($2::timestamptz, $3::uuid))
       ORDER BY r.created_at DESC, r.order_line_id DESC LIMIT $4`,
      [campaignId, after?.at ?? null, after?.id ?? null, page.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, page.limit);
    return {
      count: summary.count,
      byRating: summary.by_rating,
      items: shown.map(toCampaignReview),
      nextCursor,
    };
  }

  /**
   * 邻居评价: what neighbours said of the product a group-buy offers, over all its group-buys,
   * newest first; hidden reviews left out, and each reviewer shown by the first character of
   * their nickname only.
   */
  async forProductOf(
    ctx: RequestContext,
    campaignId: string,
    page: PageQuery,
  ): Promise<ProductReviewPage> {
    const [campaign] = await this.connection.query<{ product_id: string }>(
      ctx,
      `SELECT s.product_id FROM campaigns c JOIN skus s ON s.id = c.sku_id WHERE c.id = $1`,
      [campaignId],
    );
    if (!campaign) throw AppException.notFound('Campaign', { campaignId });
    const [summary] = await this.connection.query<Summary>(
      ctx,
      `SELECT ${SUMMARY} FROM reviews r WHERE r.product_id = $1 AND r.hidden_at IS NULL`,
      [campaign.product_id],
    );
    const after = decodeCursor(page.cursor);
    const rows = await this.connection.query<ReviewRow>(
      ctx,
      `${SELECT_REVIEWS}
       WHERE r.product_id = $1 AND r.hidden_at IS NULL
         AND ($2::timestamptz IS NULL OR (r.created_at, r.order_line_id) < ($2::timestamptz, $3::uuid))
       ORDER BY r.created_at DESC, r.order_line_id DESC LIMIT $4`,
      [campaign.product_id, after?.at ?? null, after?.id ?? null, page.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, page.limit);
    return {
      count: summary.count,
      byRating: summary.by_rating,
      items: shown.map((r) => ({
        id: r.id,
        reviewer: `${Array.from(r.nickname)[0] ?? ''}**`,
        rating: r.rating,
        text: r.text,
        campaignTitle: r.campaign_title,
        createdAt: r.created_at.toISOString(),
      })),
      nextCursor,
    };
  }

  /**
   * Hides a review from neighbours (audited, with the reason), or shows it again; doing either
   * twice changes nothing. The points and growth it earned stay.
   */
  async setHidden(
    ctx: RequestContext,
    orderLineId: string,
    hide: { reason: string } | null,
  ): Promise<CampaignReview> {
    const changed = await this.connection.query(
      ctx,
      `UPDATE reviews SET hidden_at = $2, hidden_reason = $3
       WHERE order_line_id = $1 AND (hidden_at IS NULL) = ($2::timestamptz IS NOT NULL)
       RETURNING order_line_id`,
      [orderLineId, hide ? this.clock.now() : null, hide?.reason ?? null],
    );
    const [row] = await this.connection.query<ReviewRow>(
      ctx,
      `${SELECT_REVIEWS} WHERE r.order_line_id = $1`,
      [orderLineId],
    );
    if (!row) throw AppException.notFound('Review', { orderLineId });
    if (changed.length > 0)
      await this.audit.record(
        ctx,
        hide ? 'review.hide' : 'review.show',
        { type: 'review', id: orderLineId },
        hide ? { reason: hide.reason } : {},
      );
    return toCampaignReview(row);
  }
}

interface Summary {
  count: number;
  by_rating: number[];
}

/** How many reviews `r` there are, and how many gave 1 to 5 stars. */
const SUMMARY = `count(r.order_line_id)::int AS count,
  ARRAY[count(r.order_line_id) FILTER (WHERE r.rating = 1), count(r.order_line_id) FILTER (WHERE r.rating = 2),
        count(r.order_line_id) FILTER (WHERE r.rating = 3), count(r.order_line_id) FILTER (WHERE r.rating = 4),
        count(r.order_line_id) FILTER (WHERE r.rating = 5)]::int[] AS by_rating`;

interface ReviewRow {
  id: string;
  order_id: string;
  member_id: string;
  nickname: string;
  rating: number;
  text: string;
  created_at: Date;
  cursor_at: string;
  campaign_title: string;
  hidden_at: Date | null;
  hidden_reason: string | null;
}

const SELECT_REVIEWS = `
  SELECT r.order_line_id AS id, r.order_id, r.member_id, m.nickname, r.rating, r.text, r.created_at,
         r.created_at::text AS cursor_at, c.title AS campaign_title, r.hidden_at, r.hidden_reason
  FROM reviews r JOIN order_lines l ON l.id = r.order_line_id JOIN campaigns c ON c.id = l.campaign_id
    JOIN members m ON m.id = r.member_id`;

function toCampaignReview(r: ReviewRow): CampaignReview {
  return {
    orderLineId: r.id,
    orderId: r.order_id,
    memberId: r.member_id,
    memberNickname: r.nickname,
    rating: r.rating,
    text: r.text,
    createdAt: r.created_at.toISOString(),
    hiddenAt: r.hidden_at?.toISOString() ?? null,
    hiddenReason: r.hidden_reason,
  };
}
