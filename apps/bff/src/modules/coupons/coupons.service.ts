import { HttpStatus, Injectable } from '@nestjs/common';
import type { CouponInput } from '@linli/domain';
import { ErrorCode } from '@linli/shared';
import { Clock } from '../../common/clock';
import { fieldChanges, fieldsToChange } from '../../common/edits';
import { AppException } from '../../common/errors/app-exception';
import { decodeCursor, keysetPage, PageQuery } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { unknownIds } from '../../common/unknown-ids';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AuditService } from '../audit/audit.service';
import { NotificationsService } from '../notifications/notifications.service';
import {
  AdminCouponPage,
  Coupon,
  CouponKind,
  CreateCouponRequest,
  IssueCouponResult,
  MemberCoupon,
  MemberCouponPage,
  MemberCouponQuery,
  MemberCouponState,
  UpdateCouponRequest,
} from './dto/coupon.dto';

export interface CouponRow {
  id: string;
  name: string;
  kind: CouponKind;
  amount_fen: number;
  percent_off_bps: number;
  min_spend_fen: number;
  campaign_ids: string[] | null;
  valid_from: Date;
  valid_until: Date;
  withdrawn_at: Date | null;
}

interface MemberCouponRow extends CouponRow {
  coupon_id: string;
  order_id: string | null;
  issued_at: Date;
}

const MEMBER_COUPON_SELECT = `SELECT mc.id, mc.coupon_id, mc.order_id, mc.issued_at, c.name, c.kind,
    c.amount_fen, c.percent_off_bps, c.min_spend_fen, c.campaign_ids, c.valid_from, c.valid_until, c.withdrawn_at
  FROM member_coupons mc JOIN coupons c ON c.id = mc.coupon_id`;

export const toCoupon = (row: CouponRow): Coupon => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  amountFen: row.amount_fen,
  percentOffBps: row.percent_off_bps,
  minSpendFen: row.min_spend_fen,
  campaignIds: row.campaign_ids,
  validFrom: row.valid_from.toISOString(),
  validUntil: row.valid_until.toISOString(),
  withdrawnAt: row.withdrawn_at?.toISOString() ?? null,
});

const EDITABLE = ['name', 'validUntil'] as const;

const couponNotFound = (couponId: string) =>
  new AppException(HttpStatus.NOT_FOUND, ErrorCode.CouponNotFound, 'Coupon not found', {
    couponId,
  });

const invalid = (problems: string[]) =>
  new AppException(HttpStatus.BAD_REQUEST, ErrorCode.ValidationFailed, 'The request is not valid', {
    fields: { coupon: problems },
  });

/** Why a member's coupon cannot go on an order (409 COUPON_NOT_USABLE). */
export const couponNotUsable = (
  couponId: string,
  reason:
    | 'used'
    | 'expired'
    | 'not_yet_valid'
    | 'min_spend_not_met'
    | 'not_applicable'
    | 'withdrawn',
) =>
  new AppException(HttpStatus.CONFLICT, ErrorCode.CouponNotUsable, 'This coupon cannot be used', {
    couponId,
    reason,
  });

/**
 * Coupons: operators create them and issue copies to members, exactly once per member and
 * request key; a member's copy goes on at most one order, taken in the order's transaction and
 * given back when the order is cancelled, expires unpaid, or its group-buys all fail. A
 * withdrawn coupon is given no more, and its validity has ended.
 */
type CouponLock = 'FOR SHARE' | 'FOR UPDATE' | '';

@Injectable()
export class CouponsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  async create(ctx: RequestContext, request: CreateCouponRequest): Promise<Coupon> {
    const problems: string[] = [];
    if (request.kind === 'fixed' && !request.amountFen)
      problems.push('a fixed coupon needs amountFen');
    if (request.kind === 'percent' && !request.percentOffBps)
      problems.push('a percent coupon needs percentOffBps');
    if (request.kind === 'fixed' && request.percentOffBps)
      problems.push('a fixed coupon has no percentOffBps');
    if (request.kind === 'percent' && request.amountFen)
      problems.push('a percent coupon has no amountFen');
    if (Date.parse(request.validUntil) <= Date.parse(request.validFrom))
      problems.push('validUntil must come after validFrom');
    if (problems.length > 0) throw invalid(problems);
    if (request.campaignIds) {
      // For group-buys that do not exist, a coupon would never apply.
      const unknown = await unknownIds(this.connection, ctx, 'campaigns', request.campaignIds);
      if (unknown.length > 0) throw AppException.notFound('Campaign', { campaignIds: unknown });
    }
    const [row] = await this.connection.query<CouponRow>(
      ctx,
      `INSERT INTO coupons (name, kind, amount_fen, percent_off_bps, min_spend_fen, campaign_ids, valid_from, valid_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [
        request.name,
        request.kind,
        request.amountFen ?? 0,
        request.percentOffBps ?? 0,
        request.minSpendFen,
        request.campaignIds ?? null,
        request.validFrom,
        request.validUntil,
      ],
    );
    const coupon = toCoupon(row);
    await this.audit.record(ctx, 'coupon.create', { type: 'coupon', id: coupon.id }, { ...coupon });
    return coupon;
  }

  /** The coupons operators made, newest first, with how many copies were given and used. */
  async page(ctx: RequestContext, page: PageQuery): Promise<AdminCouponPage> {
    const after = decodeCursor(page.cursor);
    const rows = await this.connection.query<
      CouponRow & { issued: number; used: number; cursor_at: string }
    >(
      ctx,
      `SELECT c.*, c.created_at::text AS cursor_at,
              (SELECT count(*) FROM member_coupons mc WHERE mc.coupon_id = c.id)::int AS issued,
              (SELECT count(*) FROM member_coupons mc WHERE mc.coupon_id = c.id AND mc.order_id IS NOT NULL)::int AS used
       FROM coupons c
       WHERE $1::timestamptz IS NULL OR (c.created_at, c.id) < ($1::timestamptz, $2::uuid)
       ORDER BY c.created_at DESC, c.id DESC LIMIT $3`,
      [after?.at ?? null, after?.id ?? null, page.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, page.limit);
    return {
      items: shown.map((row) => ({ ...toCoupon(row), issued: row.issued, used: row.used })),
      nextCursor,
    };
  }

  /**
   * Renames a coupon, or lets it run longer (copies members hold too); audited. An earlier end
   * is a 400 (withdrawing ends it), and a withdrawn coupon is 409 COUPON_NOT_USABLE.
   */
  async update(
    ctx: RequestContext,
    couponId: string,
    request: UpdateCouponRequest,
  ): Promise<Coupon> {
    const given = fieldsToChange(request, EDITABLE);
    const before = await this.mustHave(ctx, couponId, 'FOR UPDATE');
    if (before.withdrawn_at) throw couponNotUsable(couponId, 'withdrawn');
    if (request.validUntil && Date.parse(request.validUntil) <= before.valid_until.getTime())
      throw invalid([`validUntil can only move later than ${before.valid_until.toISOString()}`]);
    const [row] = await this.connection.query<CouponRow>(
      ctx,
      `UPDATE coupons SET name = COALESCE($2, name), valid_until = COALESCE($3, valid_until)
       WHERE id = $1 RETURNING *`,
      [couponId, request.name ?? null, request.validUntil ?? null],
    );
    await this.audit.record(
      ctx,
      'coupon.update',
      { type: 'coupon', id: couponId },
      fieldChanges(given, toCoupon(before), toCoupon(row)),
    );
    return toCoupon(row);
  }

  /**
   * Withdraws a coupon (audited, with the reason): no copy of it is given from now on, the
   * rewards that give it are withdrawn, and its validity ends now, so that copies not yet used
   * expire, and their holders are told; copies already on an order stay there. Withdrawing it
   * again changes nothing.
   */
  async withdraw(ctx: RequestContext, couponId: string, reason: string): Promise<Coupon> {
    const now = this.clock.now();
    const [row] = await this.connection.query<CouponRow>(
      ctx,
      `UPDATE coupons SET withdrawn_at = $2, valid_until = GREATEST(valid_from, LEAST(valid_until, $2))
       WHERE id = $1 AND withdrawn_at IS NULL RETURNING *`,
      [couponId, now],
    );
    if (!row) return toCoupon(await this.mustHave(ctx, couponId));
    const rewards = await this.connection.query(
      ctx,
      `UPDATE rewards SET active = false WHERE coupon_id = $1 AND active RETURNING id`,
      [couponId],
    );
    const holders = await this.connection.query<{ member_id: string; unused: number }>(
      ctx,
      `SELECT member_id, count(*)::int AS unused FROM member_coupons
       WHERE coupon_id = $1 AND order_id IS NULL GROUP BY member_id`,
      [couponId],
    );
    await this.notifications.notifyMany(
      ctx,
      holders.map((holder) => ({
        memberId: holder.member_id,
        kind: 'coupon_withdrawn' as const,
        dedupeKey: `coupon-withdrawn:${couponId}:${holder.member_id}`,
        title: '优惠券已停用',
        body: `你的「${row.name}」已停用，未使用的 ${holder.unused} 张不能再用了。`,
        data: { couponId },
      })),
    );
    await this.audit.record(
      ctx,
      'coupon.withdraw',
      { type: 'coupon', id: couponId },
      {
        reason,
        unusedCopiesEnded: holders.reduce((sum, holder) => sum + holder.unused, 0),
        membersTold: holders.length,
        rewardsWithdrawn: rewards.length,
      },
    );
    return toCoupon(row);
  }

  /**
   * The coupon, share-locked for the caller's transaction so that it cannot be withdrawn before
   * the copies being given commit: 404 COUPON_NOT_FOUND, or 409 COUPON_NOT_USABLE once withdrawn
   * or past its end (a copy given then could never be used).
   */
  async lockToGive(ctx: RequestContext, couponId: string): Promise<Coupon> {
    const coupon = await this.mustHave(ctx, couponId, 'FOR SHARE');
    const refused = this.refusalToGive(coupon);
    if (refused) throw couponNotUsable(couponId, refused);
    return toCoupon(coupon);
  }

  /** Whether copies of the coupon can still be given, share-locked as lockToGive locks it. */
  async canGive(ctx: RequestContext, couponId: string): Promise<boolean> {
    const coupon = await this.find(ctx, couponId, 'FOR SHARE');
    return coupon !== undefined && this.refusalToGive(coupon) === null;
  }

  private refusalToGive(coupon: CouponRow): 'withdrawn' | 'expired' | null {
    if (coupon.withdrawn_at) return 'withdrawn';
    if (coupon.valid_until <= this.clock.now()) return 'expired';
    return null;
  }

  private async mustHave(
    ctx: RequestContext,
    couponId: string,
    lock: CouponLock = '',
  ): Promise<CouponRow> {
    const row = await this.find(ctx, couponId, lock);
    if (!row) throw couponNotFound(couponId);
    return row;
  }

  private async find(
    ctx: RequestContext,
    couponId: string,
    lock: CouponLock,
  ): Promise<CouponRow | undefined> {
    const [row] = await this.connection.query<CouponRow>(
      ctx,
      `SELECT * FROM coupons WHERE id = $1 ${lock}`,
      [couponId],
    );
    return row;
  }

  /** Gives each member a copy, once per member and `key`: a retried request gives nothing twice. */
  async issue(
    ctx: RequestContext,
    couponId: string,
    memberIds: string[],
    key: string,
  ): Promise<IssueCouponResult> {
    await this.lockToGive(ctx, couponId);
    const unknown = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT m.id FROM unnest($1::uuid[]) AS m(id) WHERE NOT EXISTS (SELECT 1 FROM members WHERE id = m.id)`,
      [memberIds],
    );
    if (unknown.length > 0)
      throw AppException.notFound('Member', { memberIds: unknown.map((u) => u.id) });
    const issued = await this.connection.query(
      ctx,
      `INSERT INTO member_coupons (coupon_id, member_id, issue_key)
       SELECT $1, m.id, $3 FROM (SELECT DISTINCT unnest($2::uuid[]) AS id) m
       ON CONFLICT (member_id, issue_key) DO NOTHING RETURNING id`,
      [couponId, memberIds, key],
    );
    await this.audit.record(
      ctx,
      'coupon.issue',
      { type: 'coupon', id: couponId },
      {
        members: memberIds.length,
        issued: issued.length,
      },
    );
    return { issued: issued.length };
  }

  /** Copies of a coupon for one member, one per key: a key given before gives nothing again. */
  async grant(ctx: RequestContext, couponId: string, memberId: string, keys: string[]) {
    await this.connection.query(
      ctx,
      `INSERT INTO member_coupons (coupon_id, member_id, issue_key)
       SELECT $1, $2, k FROM unnest($3::text[]) AS k
       ON CONFLICT (member_id, issue_key) DO NOTHING`,
      [couponId, memberId, keys],
    );
  }

  /** The coupons of these ids, as operators see them, in no particular order. */
  async byIds(ctx: RequestContext, ids: string[]): Promise<Coupon[]> {
    const rows = await this.connection.query<CouponRow>(
      ctx,
      `SELECT * FROM coupons WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(toCoupon);
  }

  /** A page of the member's coupons, newest first: those usable, used or expired, or all. */
  async list(
    ctx: RequestContext,
    memberId: string,
    query: MemberCouponQuery,
  ): Promise<MemberCouponPage> {
    const now = this.clock.now();
    const after = decodeCursor(query.cursor);
    const rows = await this.connection.query<MemberCouponRow & { cursor_at: string }>(
      ctx,
      `${MEMBER_COUPON_SELECT.replace('SELECT ', 'SELECT mc.issued_at::text AS cursor_at, ')}
       WHERE mc.member_id = $1 AND CASE $3::text
         WHEN 'used' THEN mc.order_id IS NOT NULL
         WHEN 'expired' THEN mc.order_id IS NULL AND (c.valid_until <= $2 OR c.withdrawn_at IS NOT NULL)
         WHEN 'available' THEN mc.order_id IS NULL AND c.valid_until > $2 AND c.withdrawn_at IS NULL
         ELSE true END
         AND ($4::timestamptz IS NULL OR (mc.issued_at, mc.id) < ($4, $5::uuid))
       ORDER BY mc.issued_at DESC, mc.id DESC LIMIT $6`,
      [memberId, now, query.state ?? null, after?.at ?? null, after?.id ?? null, query.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, query.limit);
    return { items: shown.map((row) => this.toMemberCoupon(row, now)), nextCursor };
  }

  /**
   * The member's coupon as pricing takes it, if it may be used now; 404 COUPON_NOT_FOUND for
   * one that is not theirs, 409 COUPON_NOT_USABLE for one used, expired or not yet valid.
   */
  async usable(
    ctx: RequestContext,
    memberId: string,
    memberCouponId: string,
  ): Promise<CouponInput> {
    const [row] = await this.connection.query<MemberCouponRow>(
      ctx,
      `${MEMBER_COUPON_SELECT} WHERE mc.id = $1 AND mc.member_id = $2`,
      [memberCouponId, memberId],
    );
    if (!row) throw couponNotFound(memberCouponId);
    const now = this.clock.now();
    if (row.order_id) throw couponNotUsable(memberCouponId, 'used');
    if (row.withdrawn_at) throw couponNotUsable(memberCouponId, 'withdrawn');
    if (row.valid_until <= now) throw couponNotUsable(memberCouponId, 'expired');
    if (row.valid_from > now) throw couponNotUsable(memberCouponId, 'not_yet_valid');
    return {
      kind: row.kind,
      amountFen: row.amount_fen,
      percentBps: row.percent_off_bps,
      minSpendFen: row.min_spend_fen,
      campaignIds: row.campaign_ids,
    };
  }

  /**
   * Puts the member's coupon on the order, in the order's transaction. Of two orders with one
   * coupon at once, the second waits on the first's row and then finds it used (409 with the
   * reason, as `usable` gives it).
   */
  async take(ctx: RequestContext, memberId: string, memberCouponId: string, orderId: string) {
    const now = this.clock.now();
    const taken = await this.connection.query(
      ctx,
      `UPDATE member_coupons mc SET order_id = $3, used_at = $4 FROM coupons c
       WHERE mc.id = $1 AND mc.member_id = $2 AND mc.order_id IS NULL AND c.id = mc.coupon_id
         AND c.valid_from <= $4 AND c.valid_until > $4 AND c.withdrawn_at IS NULL
       RETURNING mc.id`,
      [memberCouponId, memberId, orderId, now],
    );
    // Refused: used by another order, or out of its validity since it was priced; say which.
    if (taken.length === 0) {
      await this.usable(ctx, memberId, memberCouponId);
      throw couponNotUsable(memberCouponId, 'used');
    }
  }

  /**
   * The coupon of an order that came to nothing goes back to its member, still valid till its
   * end. Whether the order had one.
   */
  async giveBack(ctx: RequestContext, orderId: string): Promise<boolean> {
    const returned = await this.connection.query(
      ctx,
      `UPDATE member_coupons SET order_id = NULL, used_at = NULL WHERE order_id = $1 RETURNING id`,
      [orderId],
    );
    return returned.length > 0;
  }

  private toMemberCoupon(row: MemberCouponRow, now: Date): MemberCoupon {
    // A coupon withdrawn before it started keeps its end after now: its copies end all the same.
    const state: MemberCouponState = row.order_id
      ? 'used'
      : row.valid_until <= now || row.withdrawn_at
        ? 'expired'
        : 'available';
    return {
      ...toCoupon(row),
      couponId: row.coupon_id,
      state,
      orderId: row.order_id,
      issuedAt: row.issued_at.toISOString(),
    };
  }
}
