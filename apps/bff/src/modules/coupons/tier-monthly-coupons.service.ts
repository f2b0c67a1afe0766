import { HttpStatus, Injectable } from '@nestjs/common';
import { addMonths, businessDay, startOfBusinessDay } from '@linli/domain';
import { ErrorCode } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { decodeRankCursor, PageQuery, pageOf } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AuditService } from '../audit/audit.service';
import { TierRulesService } from '../tiers/tier-rules.service';
import { CouponsService, toCoupon, CouponRow } from './coupons.service';
import { TierMonthlyCoupon, TierMonthlyCouponPage } from './dto/coupon.dto';

/** The member_coupons key of a member's `copy`-th copy of a month's tier coupon. */
const copyKey = (month: string) => `'tier-month:' || ${month} || ':' || k`;

/**
 * Tiers' monthly coupons (the `monthlyCoupons` benefit): operators set a month's coupon, and
 * `give-monthly-coupons` gives each member as many copies as their tier has, once a copy —
 * hourly, so that a member who reaches a higher tier during the month gets the difference.
 */
@Injectable()
export class TierMonthlyCouponsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly tierRules: TierRulesService,
    private readonly coupons: CouponsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async set(ctx: RequestContext, month: string, couponId: string): Promise<TierMonthlyCoupon> {
    if (month < businessDay(this.clock.now()).slice(0, 7))
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.ValidationFailed,
        'The request is not valid',
        { fields: { month: ['the month is over'] } },
      );
    const coupon = await this.coupons.lockToGive(ctx, couponId);
    const monthStarts = startOfBusinessDay(`${month}-01`);
    const monthEnds = startOfBusinessDay(`${addMonths(month, 1)}-01`);
    if (new Date(coupon.validUntil) <= monthStarts || new Date(coupon.validFrom) >= monthEnds)
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.ValidationFailed,
        'The request is not valid',
        { fields: { couponId: ['the coupon must be valid during the month'] } },
      );
    await this.connection.query(
      ctx,
      `INSERT INTO tier_monthly_coupons (month, coupon_id, set_at) VALUES ($1, $2, $3)
       ON CONFLICT (month) DO UPDATE SET coupon_id = excluded.coupon_id, set_at = excluded.set_at`,
      [month, couponId, this.clock.now()],
    );
    await this.audit.record(
      ctx,
      'tier-monthly-coupon.set',
      { type: 'month', id: month },
      {
        couponId,
      },
    );
    const [set] = await this.months(ctx, { month, before: null, limit: 1 });
    return set;
  }

  /** The months set, latest first, a page at a time, with the copies given so far. */
  async list(ctx: RequestContext, page: PageQuery): Promise<TierMonthlyCouponPage> {
    // A month's position is its number, 2026-12 -> 202612.
    const after = decodeRankCursor(page.cursor);
    const rows = await this.months(ctx, {
      month: null,
      before: after?.rank ?? null,
      limit: page.limit + 1,
    });
    const { shown, nextCursor } = pageOf(rows, page.limit, (set) => ({
      rank: Number(set.month.replace('-', '')),
    }));
    return { items: shown, nextCursor };
  }

  private async months(
    ctx: RequestContext,
    query: { month: string | null; before: number | null; limit: number },
  ): Promise<TierMonthlyCoupon[]> {
    const rows = await this.connection.query<
      CouponRow & { month: string; set_at: Date; issued: number }
    >(
      ctx,
      `SELECT t.month, t.set_at, c.*,
         (SELECT count(*)::int FROM member_coupons mc
          WHERE mc.coupon_id = t.coupon_id AND mc.issue_key LIKE 'tier-month:' || t.month || ':%') AS issued
       FROM tier_monthly_coupons t JOIN coupons c ON c.id = t.coupon_id
       WHERE ($1::text IS NULL OR t.month = $1)
         AND ($2::int IS NULL OR replace(t.month, '-', '')::int < $2)
       ORDER BY t.month DESC LIMIT $3`,
      [query.month, query.before, query.limit],
    );
    return rows.map((row) => ({
      month: row.month,
      coupon: toCoupon(row),
      setAt: row.set_at.toISOString(),
      issued: row.issued,
    }));
  }

  /**
   * Gives up to `limit` copies of this month's coupon that members of the tiers in force are
   * owed and do not have yet; the number given. Each copy is keyed on member, month and copy
   * number, so a batch run twice gives nothing twice; copies once given stay. None once the
   * coupon is withdrawn or past its end.
   */
  async giveDue(ctx: RequestContext, limit: number): Promise<number> {
    const month = businessDay(this.clock.now()).slice(0, 7);
    const [set] = await this.connection.query<{ coupon_id: string }>(
      ctx,
      `SELECT t.coupon_id FROM tier_monthly_coupons t
       JOIN coupons c ON c.id = t.coupon_id AND c.withdrawn_at IS NULL AND c.valid_until > $2
       WHERE t.month = $1 FOR SHARE OF c`,
      [month, this.clock.now()],
    );
    if (!set) return 0;
    const { tiers } = await this.tierRules.current(ctx);
    const owed = tiers.filter((tier) => tier.monthlyCoupons > 0);
    if (owed.length === 0) return 0;
    const given = await this.connection.query(
      ctx,
      `WITH due AS (
         SELECT m.id AS member_id, k
         FROM unnest($2::text[], $3::int[]) AS t(tier, copies)
           JOIN members m ON m.tier = t.tier
           CROSS JOIN LATERAL generate_series(1, t.copies) k
         WHERE NOT EXISTS (
           SELECT 1 FROM member_coupons mc WHERE mc.member_id = m.id AND mc.issue_key = ${copyKey('$4')})
         ORDER BY m.id, k LIMIT $5)
       INSERT INTO member_coupons (coupon_id, member_id, issue_key)
       SELECT $1, member_id, ${copyKey('$4')} FROM due
       ON CONFLICT (member_id, issue_key) DO NOTHING RETURNING id`,
      [
        set.coupon_id,
        owed.map((tier) => tier.code),
        owed.map((tier) => tier.monthlyCoupons),
        month,
        limit,
      ],
    );
    return given.length;
  }
}
