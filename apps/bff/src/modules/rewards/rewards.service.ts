import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode, MEMBER_TIERS, type MemberTier } from '@linli/shared';
import { fieldChanges, fieldsToChange } from '../../common/edits';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AuditService } from '../audit/audit.service';
import { CouponsService } from '../coupons/coupons.service';
import { Coupon } from '../coupons/dto/coupon.dto';
import { PointsLedger } from '../points/points-ledger.service';
import { MemberBenefitsService } from '../tiers/member-benefits.service';
import {
  CreateRewardRequest,
  RedeemRequest,
  UpdateRewardRequest,
  Redemption,
  Reward,
  ShopperReward,
} from './dto/reward.dto';

interface RewardRow {
  id: string;
  name: string;
  description: string;
  coupon_id: string;
  points_cost: number;
  stock_left: number;
  per_member_limit: number;
  min_tier: MemberTier;
  active: boolean;
}

const reaches = (tier: MemberTier, minTier: MemberTier) =>
  MEMBER_TIERS.indexOf(tier) >= MEMBER_TIERS.indexOf(minTier);

const rewardNotFound = (rewardId: string) => AppException.notFound('Reward', { rewardId });

const EDITABLE = [
  'name',
  'description',
  'pointsCost',
  'perMemberLimit',
  'minTier',
  'active',
] as const;
/** The units a reward may have had on offer in all: what its integer column holds. */
const MOST_STOCK = 2_147_483_647;

/**
 * The rewards mall (积分商城, DESIGN.md section 8): coupons for points. A redemption is one
 * transaction: the member's points account is held first (so their redemptions are counted
 * against the limit one at a time), the points are spent, and the stock is taken by a guarded
 * update; any refusal leaves both as they were.
 */
@Injectable()
export class RewardsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly coupons: CouponsService,
    private readonly ledger: PointsLedger,
    private readonly benefits: MemberBenefitsService,
    private readonly audit: AuditService,
  ) {}

  async create(ctx: RequestContext, request: CreateRewardRequest): Promise<Reward> {
    const [coupon] = await this.coupons.byIds(ctx, [request.couponId]);
    if (!coupon)
      throw new AppException(HttpStatus.NOT_FOUND, ErrorCode.CouponNotFound, 'Coupon not found', {
        couponId: request.couponId,
      });
    const [row] = await this.connection.query<RewardRow>(
      ctx,
      `INSERT INTO rewards (name, description, coupon_id, points_cost, stock_total, stock_left, per_member_limit, min_tier)
       VALUES ($1, $2, $3, $4, $5, $5, $6, $7) RETURNING *`,
      [
        request.name,
        request.description ?? '',
        request.couponId,
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

  /** The rewards, cheapest first: those on offer, or all of them for operators. */
  async all(ctx: RequestContext, { withdrawn = false } = {}): Promise<Reward[]> {
    const rows = await this.connection.query<RewardRow>(
      ctx,
      `SELECT * FROM rewards WHERE active OR $1 ORDER BY points_cost, created_at`,
      [withdrawn],
    );
    const coupons = await this.couponsOf(ctx, rows);
    return rows.map((row) => toReward(row, coupons.get(row.coupon_id) as Coupon));
  }

  /** Changes what an operator may change of a reward (withdrawing or offering it again too); audited. */
  async update(
    ctx: RequestContext,
    rewardId: string,
    request: UpdateRewardRequest,
  ): Promise<Reward> {
    const given = fieldsToChange(request, EDITABLE);
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
         min_tier = COALESCE($6, min_tier), active = COALESCE($7, active)
       WHERE id = $1 RETURNING *`,
      [
        rewardId,
        request.name ?? null,
        request.description ?? null,
        request.pointsCost ?? null,
        request.perMemberLimit ?? null,
        request.minTier ?? null,
        request.active ?? null,
      ],
    );
    const [coupon] = await this.coupons.byIds(ctx, [row.coupon_id]);
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
    const [coupon] = await this.coupons.byIds(ctx, [row.coupon_id]);
    return toReward(row, coupon);
  }

  /** The mall as the member sees it: what each costs, what is left, and what is theirs to have. */
  async forMember(ctx: RequestContext, memberId: string): Promise<ShopperReward[]> {
    const rewards = await this.all(ctx);
    const { tier } = await this.benefits.standing(ctx, memberId);
    const redeemed = await this.connection.query<{ reward_id: string; quantity: number }>(
      ctx,
      `SELECT reward_id, SUM(quantity)::int AS quantity FROM redemptions WHERE member_id = $1 GROUP BY reward_id`,
      [memberId],
    );
    const mine = new Map(redeemed.map((r) => [r.reward_id, r.quantity]));
    return rewards.map((reward) => ({
      ...reward,
      yourQuantity: mine.get(reward.id) ?? 0,
      eligible: reaches(tier, reward.minTier),
    }));
  }

  /**
   * Redeems units of a reward for points: 404 for one not on offer, 409 REWARD_NOT_ELIGIBLE
   * below its tier, PURCHASE_LIMIT_EXCEEDED past the member's limit, POINTS_INSUFFICIENT, or
   * OUT_OF_STOCK; the member gets a copy of its coupon per unit.
   */
  async redeem(ctx: RequestContext, memberId: string, request: RedeemRequest): Promise<Redemption> {
    const [reward] = await this.connection.query<RewardRow>(
      ctx,
      `SELECT * FROM rewards WHERE id = $1 AND active`,
      [request.rewardId],
    );
    if (!reward) throw rewardNotFound(request.rewardId);
    const { tier } = await this.benefits.standing(ctx, memberId);
    if (!reaches(tier, reward.min_tier))
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.RewardNotEligible,
        'This reward is for a higher tier',
        { rewardId: reward.id, minTier: reward.min_tier },
      );
    // The member's account first: their redemptions are counted one at a time.
    await this.ledger.holdAccount(ctx, memberId);
    const [{ redeemed }] = await this.connection.query<{ redeemed: number }>(
      ctx,
      `SELECT COALESCE(SUM(quantity), 0)::int AS redeemed FROM redemptions WHERE member_id = $1 AND reward_id = $2`,
      [memberId, reward.id],
    );
    if (redeemed + request.quantity > reward.per_member_limit)
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.PurchaseLimitExceeded,
        'More than a member may redeem',
        { rewardId: reward.id, limit: reward.per_member_limit, alreadyRedeemed: redeemed },
      );
    const points = reward.points_cost * request.quantity;
    const [redemption] = await this.connection.query<{ id: string; created_at: Date }>(
      ctx,
      `INSERT INTO redemptions (reward_id, member_id, quantity, points) VALUES ($1, $2, $3, $4)
       RETURNING id, created_at`,
      [reward.id, memberId, request.quantity, points],
    );
    await this.ledger.spend(ctx, memberId, { type: 'redemption', id: redemption.id }, points);
    await this.coupons.grant(
      ctx,
      reward.coupon_id,
      memberId,
      Array.from({ length: request.quantity }, (_, i) => `redemption:${redemption.id}:${i}`),
    );
    // Stock last: the reward's row stays locked from this update only until the commit.
    const taken = await this.connection.query(
      ctx,
      `UPDATE rewards SET stock_left = stock_left - $2 WHERE id = $1 AND stock_left >= $2 AND active
       RETURNING id`,
      [reward.id, request.quantity],
    );
    if (taken.length === 0)
      throw new AppException(HttpStatus.CONFLICT, ErrorCode.OutOfStock, 'Not as many left', {
        rewardId: reward.id,
      });
    return {
      id: redemption.id,
      rewardId: reward.id,
      rewardName: reward.name,
      quantity: request.quantity,
      points,
      createdAt: redemption.created_at.toISOString(),
    };
  }

  /** The member's redemptions, newest first. */
  async redemptions(ctx: RequestContext, memberId: string): Promise<Redemption[]> {
    const rows = await this.connection.query<{
      id: string;
      reward_id: string;
      name: string;
      quantity: number;
      points: number;
      created_at: Date;
    }>(
      ctx,
      `SELECT d.id, d.reward_id, r.name, d.quantity, d.points, d.created_at
       FROM redemptions d JOIN rewards r ON r.id = d.reward_id
       WHERE d.member_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT 100`,
      [memberId],
    );
    return rows.map((r) => ({
      id: r.id,
      rewardId: r.reward_id,
      rewardName: r.name,
      quantity: r.quantity,
      points: r.points,
      createdAt: r.created_at.toISOString(),
    }));
  }

  private async couponsOf(ctx: RequestContext, rows: RewardRow[]): Promise<Map<string, Coupon>> {
    const coupons = await this.coupons.byIds(ctx, [...new Set(rows.map((r) => r.coupon_id))]);
    return new Map(coupons.map((c) => [c.id, c]));
  }
}

function toReward(row: RewardRow, coupon: Coupon): Reward {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    pointsCost: row.points_cost,
    stockLeft: row.stock_left,
    perMemberLimit: row.per_member_limit,
    minTier: row.min_tier,
    coupon,
    active: row.active,
  };
}
