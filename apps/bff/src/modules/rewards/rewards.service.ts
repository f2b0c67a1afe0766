import { HttpStatus, Injectable } from '@nestjs/common';
import { drawPickupCode, PICKUP_CODE_TRIES } from '@linli/domain';
import { ErrorCode, MEMBER_TIERS, type MemberTier } from '@linli/shared';
import { randomInt } from 'node:crypto';
import { Clock } from '../../common/clock';
import { fieldChanges, fieldsToChange } from '../../common/edits';
import { AppException } from '../../common/errors/app-exception';
import {
  decodeCursor,
  decodeRankCursor,
  keysetPage,
  PageQuery,
  pageOf,
} from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AuditService } from '../audit/audit.service';
import { CouponsService } from '../coupons/coupons.service';
import { Coupon } from '../coupons/dto/coupon.dto';
import { pickupPointRequired } from '../group-buy/group-buy.exception';
import { NotificationsService } from '../notifications/notifications.service';
import { PointsLedger } from '../points/points-ledger.service';
import { MemberBenefitsService } from '../tiers/member-benefits.service';
import {
  CreateRewardRequest,
  OPEN_PICKUP_STATES,
  RedeemRequest,
  UpdateRewardRequest,
  Redemption,
  Reward,
  RewardPage,
  RewardKind,
  RedemptionPage,
  RewardPickupState,
  ShopperRewardPage,
} from './dto/reward.dto';

interface RewardRow {
  id: string;
  kind: RewardKind;
  name: string;
  description: string;
  image: string | null;
  coupon_id: string | null;
  points_cost: number;
  stock_left: number;
  per_member_limit: number;
  min_tier: MemberTier;
  active: boolean;
}

const reaches = (tier: MemberTier, minTier: MemberTier) =>
  MEMBER_TIERS.indexOf(tier) >= MEMBER_TIERS.indexOf(minTier);

const rewardNotFound = (rewardId: string) => AppException.notFound('Reward', { rewardId });
const redemptionNotFound = (redemptionId: string) =>
  AppException.notFound('Redemption', { redemptionId });

interface LockedRedemption {
  id: string;
  member_id: string;
  reward_id: string;
  quantity: number;
  points: number;
  pickup_state: RewardPickupState | null;
}

const EDITABLE = [
  'name',
  'description',
  'image',
  'pointsCost',
  'perMemberLimit',
  'minTier',
  'active',
] as const;
/** Redemptions that count against a member's limit: all but cancelled goods. */
const COUNTS_TO_LIMIT = `pickup_state IS DISTINCT FROM 'cancelled'`;
/** The units a reward may have had on offer in all: what its integer column holds. */
const MOST_STOCK = 2_147_483_647;

/**
 * The rewards mall (积分商城, DESIGN.md section 8): coupons or goods for points. A redemption is
 * one transaction: the member's points account is held first (so their redemptions are counted
 * against the limit one at a time), the points are spent, and the stock is taken by a guarded
 * update; any refusal leaves both as they were. Goods are collected at the member's pickup point
 * against a pickup code, as an order is (RewardPickupsService).
 */
@Injectable()
export class RewardsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly coupons: CouponsService,
    private readonly ledger: PointsLedger,
    private readonly benefits: MemberBenefitsService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  async create(ctx: RequestContext, request: CreateRewardRequest): Promise<Reward> {
    const kind = request.kind ?? 'coupon';
    if ((kind === 'coupon') !== (request.couponId !== undefined))
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.ValidationFailed,
        'A coupon reward needs couponId, and goods take none',
        {
          fields: {
            couponId: [kind === 'coupon' ? 'couponId is required' : 'goods give no coupon'],
          },
        },
      );
    const coupon = request.couponId ? await this.coupons.lockToGive(ctx, request.couponId) : null;
    const [row] = await this.connection.query<RewardRow>(
      ctx,
      `INSERT INTO rewards (kind, name, description, image, coupon_id, points_cost, stock_total, stock_left,
         per_member_limit, min_tier)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) RETURNING *`,
      [
        kind,
        request.name,
        request.description ?? '',
        request.image ?? null,
        request.couponId ?? null,
        request.pointsCost,
        request.stock,
        request.perMemberLimit,
        request.minTier ?? 'regular',
      ],
    );
    const reward = toReward(row, coupon);
    await this.audit.record(ctx, 'reward.create', { type: 'reward', id: reward.id }, { ...reward });
    return reward;
  }

  /** Every reward, cheapest first, for operators: withdrawn ones too; a page at a time. */
  async all(ctx: RequestContext, page: PageQuery): Promise<RewardPage> {
    const after = decodeRankCursor(page.cursor);
    const rows = await this.connection.query<RewardRow>(
      ctx,
      `SELECT * FROM rewards r WHERE $1::int IS NULL OR (r.points_cost, r.id) > ($1, $2::uuid)
       ORDER BY r.points_cost, r.id LIMIT $3`,
      [after?.rank ?? null, after?.id ?? null, page.limit + 1],
    );
    const { shown, nextCursor } = pageOf(rows, page.limit, (row) => ({
      rank: row.points_cost,
      id: row.id,
    }));
    return { items: await this.withCoupons(ctx, shown), nextCursor };
  }

  /** The rewards a row list gives, each with its coupon (if it gives one). */
  private async withCoupons(ctx: RequestContext, rows: RewardRow[]): Promise<Reward[]> {
    const coupons = await this.couponsOf(ctx, rows);
    return rows.map((row) =>
      toReward(row, row.coupon_id ? (coupons.get(row.coupon_id) ?? null) : null),
    );
  }

  /** Changes what an operator may change of a reward (withdrawing or offering it again too); audited. */
  async update(
    ctx: RequestContext,
    rewardId: string,
    request: UpdateRewardRequest,
  ): Promise<Reward> {
    const given = fieldsToChange(request, EDITABLE);
    if (request.active) {
      // A reward giving a withdrawn coupon is not offered again. The coupon is locked before the
      // reward, as a withdrawal takes them.
      const [giving] = await this.connection.query<Pick<RewardRow, 'coupon_id'>>(
        ctx,
        `SELECT coupon_id FROM rewards WHERE id = $1`,
        [rewardId],
      );
      if (giving?.coupon_id) await this.coupons.lockToGive(ctx, giving.coupon_id);
    }
    const [before] = await this.connection.query<RewardRow>(
      ctx,
      `SELECT * FROM rewards WHERE id = $1 FOR UPDATE`,
      [rewardId],
    );
    if (!before) throw rewardNotFound(rewardId);
    const [row] = await this.connection.query<RewardRow>(
      ctx,
      `UPDATE rewards SET name = COALESCE($2, name), description = COALESCE($3, description),
         points_cost = COALESCE($4, points_cost), per_member_limit = COALESCE($5, per_member_limit),
         min_tier = COALESCE($6, min_tier), active = COALESCE($7, active), image = COALESCE($8, image)
       WHERE id = $1 RETURNING *`,
      [
        rewardId,
        request.name ?? null,
        request.description ?? null,
        request.pointsCost ?? null,
        request.perMemberLimit ?? null,
        request.minTier ?? null,
        request.active ?? null,
        request.image ?? null,
      ],
    );
    const coupon = await this.couponOf(ctx, row);
    await this.audit.record(
      ctx,
      'reward.update',
      { type: 'reward', id: rewardId },
      fieldChanges(given, toReward(before, coupon), toReward(row, coupon)),
    );
    return toReward(row, coupon);
  }

  /** Adds units to those left of a reward, sold out or not; audited. */
  async restock(ctx: RequestContext, rewardId: string, quantity: number): Promise<Reward> {
    const [row] = await this.connection.query<RewardRow>(
      ctx,
      `UPDATE rewards SET stock_total = stock_total + $2, stock_left = stock_left + $2
       WHERE id = $1 AND stock_total <= $3::int - $2 RETURNING *`,
      [rewardId, quantity, MOST_STOCK],
    );
    if (!row) {
      const [known] = await this.connection.query(ctx, `SELECT 1 FROM rewards WHERE id = $1`, [
        rewardId,
      ]);
      if (!known) throw rewardNotFound(rewardId);
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.ValidationFailed,
        `A reward holds at most ${MOST_STOCK} units in all`,
        { rewardId },
      );
    }
    await this.audit.record(
      ctx,
      'reward.restock',
      { type: 'reward', id: rewardId },
      { quantity, stockLeft: row.stock_left },
    );
    return toReward(row, await this.couponOf(ctx, row));
  }

  /** The mall as the member sees it: what each costs, what is left, and what is theirs to have. */
  async forMember(
    ctx: RequestContext,
    memberId: string,
    page: PageQuery,
  ): Promise<ShopperRewardPage> {
    const after = decodeRankCursor(page.cursor);
    // On offer: active, and a coupon's only while copies of it can be given.
    const rows = await this.connection.query<RewardRow>(
      ctx,
      `SELECT * FROM rewards r
       WHERE r.active AND NOT EXISTS (
         SELECT 1 FROM coupons c
         WHERE c.id = r.coupon_id AND (c.withdrawn_at IS NOT NULL OR c.valid_until <= $1))
         AND ($2::int IS NULL OR (r.points_cost, r.id) > ($2, $3::uuid))
       ORDER BY r.points_cost, r.id LIMIT $4`,
      [this.clock.now(), after?.rank ?? null, after?.id ?? null, page.limit + 1],
    );
    const { shown, nextCursor } = pageOf(rows, page.limit, (row) => ({
      rank: row.points_cost,
      id: row.id,
    }));
    const rewards = await this.withCoupons(ctx, shown);
    const { tier } = await this.benefits.standing(ctx, memberId);
    const redeemed = await this.connection.query<{ reward_id: string; quantity: number }>(
      ctx,
      `SELECT reward_id, SUM(quantity)::int AS quantity FROM redemptions
       WHERE member_id = $1 AND reward_id = ANY($2::uuid[]) AND ${COUNTS_TO_LIMIT} GROUP BY reward_id`,
      [memberId, rewards.map((reward) => reward.id)],
    );
    const mine = new Map(redeemed.map((r) => [r.reward_id, r.quantity]));
    return {
      items: rewards.map((reward) => ({
        ...reward,
        yourQuantity: mine.get(reward.id) ?? 0,
        eligible: reaches(tier, reward.minTier),
      })),
      nextCursor,
    };
  }

  /**
   * Redeems units of a reward for points: 404 for one not on offer, 409 REWARD_NOT_ELIGIBLE
   * below its tier, PICKUP_POINT_REQUIRED for goods before the member has chosen a pickup point,
   * PURCHASE_LIMIT_EXCEEDED past the member's limit, POINTS_INSUFFICIENT, or OUT_OF_STOCK. A
   * coupon gives the member a copy per unit; goods are to be collected at their pickup point.
   */
  async redeem(ctx: RequestContext, memberId: string, request: RedeemRequest): Promise<Redemption> {
    const [reward] = await this.connection.query<RewardRow>(
      ctx,
      `SELECT * FROM rewards WHERE id = $1 AND active`,
      [request.rewardId],
    );
    if (!reward) throw rewardNotFound(request.rewardId);
    // A coupon past its end is not on offer; share-locked, it is not withdrawn before this commits.
    if (reward.coupon_id && !(await this.coupons.canGive(ctx, reward.coupon_id)))
      throw rewardNotFound(reward.id);
    const { tier } = await this.benefits.standing(ctx, memberId);
    if (!reaches(tier, reward.min_tier))
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.RewardNotEligible,
        'This reward is for a higher tier',
        { rewardId: reward.id, minTier: reward.min_tier },
      );
    // The member's account first: their redemptions are counted one at a time.
    await this.ledger.holdAccounts(ctx, [memberId]);
    const [{ redeemed, pickup_point_id: pickupPointId }] = await this.connection.query<{
      redeemed: number;
      pickup_point_id: string | null;
    }>(
      ctx,
      `SELECT (SELECT COALESCE(SUM(quantity), 0)::int FROM redemptions
                WHERE member_id = $1 AND reward_id = $2 AND ${COUNTS_TO_LIMIT}) AS redeemed,
              (SELECT pickup_point_id FROM members WHERE id = $1) AS pickup_point_id`,
      [memberId, reward.id],
    );
    if (reward.kind === 'goods' && !pickupPointId) throw pickupPointRequired();
    if (redeemed + request.quantity > reward.per_member_limit)
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.PurchaseLimitExceeded,
        'More than a member may redeem',
        { rewardId: reward.id, limit: reward.per_member_limit, alreadyRedeemed: redeemed },
      );
    const points = reward.points_cost * request.quantity;
    const redemptionId =
      reward.kind === 'goods'
        ? await this.insertGoodsRedemption(
            ctx,
            memberId,
            reward.id,
            request.quantity,
            points,
            pickupPointId as string,
          )
        : await this.insertRedemption(ctx, memberId, reward.id, request.quantity, points);
    await this.ledger.spend(ctx, memberId, { type: 'redemption', id: redemptionId }, points);
    if (reward.coupon_id)
      await this.coupons.grant(
        ctx,
        reward.coupon_id,
        memberId,
        Array.from({ length: request.quantity }, (_, i) => `redemption:${redemptionId}:${i}`),
      );
    // Stock last: the reward's row stays locked from this update only until the commit.
    const taken = await this.connection.query(
      ctx,
      `UPDATE rewards SET stock_left = stock_left - $2 WHERE id = $1 AND stock_left >= $2 AND active
       RETURNING id`,
      [reward.id, request.quantity],
    );
    if (taken.length === 0) {
      // Withdrawn meanwhile (by an operator, or with its coupon), or too few units left.
      const [still] = await this.connection.query(
        ctx,
        `SELECT 1 FROM rewards WHERE id = $1 AND active`,
        [reward.id],
      );
      if (!still) throw rewardNotFound(reward.id);
      throw new AppException(HttpStatus.CONFLICT, ErrorCode.OutOfStock, 'Not as many left', {
        rewardId: reward.id,
      });
    }
    return this.redemptionOf(ctx, memberId, redemptionId);
  }

  /**
   * The member takes back goods on their way: 404 for another member's redemption, 409
   * REDEMPTION_NOT_CANCELLABLE once they have arrived (or for a coupon).
   */
  async cancelForMember(
    ctx: RequestContext,
    memberId: string,
    redemptionId: string,
  ): Promise<Redemption> {
    const redemption = await this.lockRedemption(ctx, redemptionId);
    if (redemption?.member_id !== memberId) throw redemptionNotFound(redemptionId);
    await this.cancel(ctx, redemption, ['awaiting_delivery']);
    return this.redemptionOf(ctx, memberId, redemptionId);
  }

  /**
   * An operator cancels goods not yet handed over (lost on the way, say), audited with the reason,
   * and the member is told: 409 REDEMPTION_NOT_CANCELLABLE once handed over (or for a coupon).
   */
  async cancelForOperator(
    ctx: RequestContext,
    redemptionId: string,
    reason: string,
  ): Promise<Redemption> {
    const redemption = await this.lockRedemption(ctx, redemptionId);
    if (!redemption) throw redemptionNotFound(redemptionId);
    const pointsReturned = await this.cancel(ctx, redemption, [
      'awaiting_delivery',
      'ready_for_pickup',
    ]);
    await this.audit.record(
      ctx,
      'redemption.cancel',
      { type: 'redemption', id: redemptionId },
      { reason, state: redemption.pickup_state, pointsReturned },
    );
    const view = await this.redemptionOf(ctx, redemption.member_id, redemptionId);
    await this.notifications.notify(ctx, redemption.member_id, {
      kind: 'reward_cancelled',
      dedupeKey: `reward-cancelled:${redemptionId}`,
      title: '兑换已取消，积分已退回',
      body: `「${view.rewardName}」的兑换已取消（${reason}），退回 ${pointsReturned} 积分。`,
      data: { redemptionId },
    });
    return view;
  }

  /** A page of the member's redemptions, newest first. */
  async redemptions(
    ctx: RequestContext,
    memberId: string,
    page: PageQuery,
  ): Promise<RedemptionPage> {
    const rows = await this.redemptionsOf(ctx, memberId, null, page);
    const { shown, nextCursor } = keysetPage(rows, page.limit);
    return { items: shown.map(({ view }) => view), nextCursor };
  }

  /** A redemption, locked before the member's points account as goods being handed over are. */
  private async lockRedemption(
    ctx: RequestContext,
    redemptionId: string,
  ): Promise<LockedRedemption | undefined> {
    const [row] = await this.connection.query<LockedRedemption>(
      ctx,
      `SELECT id, member_id, reward_id, quantity, points, pickup_state FROM redemptions WHERE id = $1 FOR UPDATE`,
      [redemptionId],
    );
    return row;
  }

  /**
   * Cancels a locked goods redemption in one of the given states: its points go back to the lots
   * they came from (those of lots expired since are forfeited), its pickup code is free again, and
   * its units go back to the reward, last, as a redemption takes them. How many points went back.
   */
  private async cancel(
    ctx: RequestContext,
    redemption: LockedRedemption,
    cancellable: RewardPickupState[],
  ): Promise<number> {
    if (!redemption.pickup_state || !cancellable.includes(redemption.pickup_state))
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.RedemptionNotCancellable,
        redemption.pickup_state ? `The goods are ${redemption.pickup_state}` : 'A coupon stays',
        { redemptionId: redemption.id, state: redemption.pickup_state ?? 'coupon' },
      );
    const { returned } = await this.ledger.returnSpent(
      ctx,
      redemption.member_id,
      { type: 'redemption', id: redemption.id },
      `redemption-cancel:${redemption.id}`,
      redemption.points,
    );
    await this.connection.query(
      ctx,
      `UPDATE redemptions SET pickup_state = 'cancelled', cancelled_at = $2, points_returned = $3 WHERE id = $1`,
      [redemption.id, this.clock.now(), returned],
    );
    await this.connection.query(
      ctx,
      `UPDATE rewards SET stock_left = stock_left + $2 WHERE id = $1`,
      [redemption.reward_id, redemption.quantity],
    );
    return returned;
  }

  private async insertRedemption(
    ctx: RequestContext,
    memberId: string,
    rewardId: string,
    quantity: number,
    points: number,
  ): Promise<string> {
    const [{ id }] = await this.connection.query<{ id: string }>(
      ctx,
      `INSERT INTO redemptions (reward_id, member_id, quantity, points) VALUES ($1, $2, $3, $4) RETURNING id`,
      [rewardId, memberId, quantity, points],
    );
    return id;
  }

  /**
   * A goods redemption with a random pickup code that no open redemption or order of the pickup
   * point holds, so that the leader's code finds one thing only: the unique index skips codes of
   * redemptions (ON CONFLICT), the statement itself those of orders.
   */
  private async insertGoodsRedemption(
    ctx: RequestContext,
    memberId: string,
    rewardId: string,
    quantity: number,
    points: number,
    pickupPointId: string,
  ): Promise<string> {
    for (let attempt = 0; attempt < PICKUP_CODE_TRIES; attempt += 1) {
      const [inserted] = await this.connection.query<{ id: string }>(
        ctx,
        `INSERT INTO redemptions (reward_id, member_id, quantity, points, pickup_point_id, pickup_state, pickup_code)
         SELECT $1, $2, $3, $4, $5, 'awaiting_delivery', $6
         WHERE NOT EXISTS (SELECT 1 FROM orders WHERE pickup_point_id = $5 AND pickup_code = $6
                             AND state NOT IN ('completed', 'cancelled', 'refunded'))
         ON CONFLICT DO NOTHING RETURNING id`,
        [rewardId, memberId, quantity, points, pickupPointId, drawPickupCode(randomInt)],
      );
      if (inserted) return inserted.id;
    }
    throw new Error('no free pickup code after several tries');
  }

  /** One of the member's redemptions; 404 for one that is not theirs. */
  private async redemptionOf(
    ctx: RequestContext,
    memberId: string,
    redemptionId: string,
  ): Promise<Redemption> {
    const [found] = await this.redemptionsOf(ctx, memberId, redemptionId, { limit: 1 });
    if (!found) throw redemptionNotFound(redemptionId);
    return found.view;
  }

  /**
   * The member's redemptions, newest first: one of them, or a page (`limit + 1` read, after
   * the cursor), each with its keyset position.
   */
  private async redemptionsOf(
    ctx: RequestContext,
    memberId: string,
    redemptionId: string | null,
    page: Pick<PageQuery, 'limit' | 'cursor'>,
  ): Promise<{ id: string; cursor_at: string; view: Redemption }[]> {
    const after = decodeCursor(page.cursor);
    const rows = await this.connection.query<{
      id: string;
      reward_id: string;
      name: string;
      kind: RewardKind;
      quantity: number;
      points: number;
      created_at: Date;
      pickup_point_id: string | null;
      pickup_point_name: string | null;
      pickup_state: RewardPickupState | null;
      pickup_code: string | null;
      ready_at: Date | null;
      picked_up_at: Date | null;
      cancelled_at: Date | null;
      points_returned: number | null;
      cursor_at: string;
    }>(
      ctx,
      `SELECT d.id, d.reward_id, r.name, r.kind, d.quantity, d.points, d.created_at, d.created_at::text AS cursor_at,
              d.pickup_point_id, p.name AS pickup_point_name, d.pickup_state, d.pickup_code, d.ready_at, d.picked_up_at,
              d.cancelled_at, d.points_returned
       FROM redemptions d JOIN rewards r ON r.id = d.reward_id
         LEFT JOIN pickup_points p ON p.id = d.pickup_point_id
       WHERE d.member_id = $1 AND ($2::uuid IS NULL OR d.id = $2)
         AND ($3::timestamptz IS NULL OR (d.created_at, d.id) < ($3, $4::uuid))
       ORDER BY d.created_at DESC, d.id DESC LIMIT $5`,
      [memberId, redemptionId, after?.at ?? null, after?.id ?? null, page.limit + 1],
    );
    return rows.map((r) => ({
      id: r.id,
      cursor_at: r.cursor_at,
      view: {
        id: r.id,
        rewardId: r.reward_id,
        rewardName: r.name,
        kind: r.kind,
        quantity: r.quantity,
        points: r.points,
        pickup:
          r.pickup_point_id && r.pickup_state && r.pickup_code
            ? {
                pickupPointId: r.pickup_point_id,
                pickupPointName: r.pickup_point_name ?? '',
                state: r.pickup_state,
                pickupCode: OPEN_PICKUP_STATES.includes(r.pickup_state) ? r.pickup_code : null,
                readyAt: r.ready_at?.toISOString() ?? null,
                pickedUpAt: r.picked_up_at?.toISOString() ?? null,
                cancelledAt: r.cancelled_at?.toISOString() ?? null,
                pointsReturned: r.points_returned,
              }
            : null,
        createdAt: r.created_at.toISOString(),
      },
    }));
  }

  private async coupon(ctx: RequestContext, couponId: string): Promise<Coupon | null> {
    const [coupon] = await this.coupons.byIds(ctx, [couponId]);
    return coupon ?? null;
  }

  private couponOf(ctx: RequestContext, row: RewardRow): Promise<Coupon | null> {
    return row.coupon_id ? this.coupon(ctx, row.coupon_id) : Promise.resolve(null);
  }

  private async couponsOf(ctx: RequestContext, rows: RewardRow[]): Promise<Map<string, Coupon>> {
    const ids = [...new Set(rows.flatMap((r) => (r.coupon_id ? [r.coupon_id] : [])))];
    const coupons = ids.length > 0 ? await this.coupons.byIds(ctx, ids) : [];
    return new Map(coupons.map((c) => [c.id, c]));
  }
}

function toReward(row: RewardRow, coupon: Coupon | null): Reward {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    description: row.description,
    image: row.image,
    pointsCost: row.points_cost,
    stockLeft: row.stock_left,
    perMemberLimit: row.per_member_limit,
    minTier: row.min_tier,
    coupon,
    active: row.active,
  };
}
