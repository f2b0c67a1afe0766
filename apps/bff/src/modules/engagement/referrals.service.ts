import { Injectable } from '@nestjs/common';
import { businessDay } from '@linli/domain';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { NotificationsService } from '../notifications/notifications.service';
import { PointsLedger } from '../points/points-ledger.service';
import { PointsPolicyService } from '../points/points-policy.service';
import { InviteView } from './dto/invite.dto';

/**
 * 邀请有礼 (DESIGN.md section 8): a neighbour who joined through a member's invite code
 * rewards both when their first order is picked up, once; the inviter at most the policy's
 * monthly cap of invitees a Shanghai month, the invitee always. The points are pending until
 * an order the invitee keeps completes (its after-sales window over): an invitee who gives
 * back all they picked up gives back the reward too, on both sides, for good, and nobody has
 * spent any of it.
 */
@Injectable()
export class ReferralsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly policies: PointsPolicyService,
    private readonly ledger: PointsLedger,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /**
   * After orders of one member are handed over, in the same transaction: rewards the member
   * and their inviter when these are the member's first orders picked up.
   */
  async onPickedUp(ctx: RequestContext, inviteeId: string, orderIds: string[]): Promise<void> {
    const [invitee] = await this.connection.query<{ inviter_id: string; nickname: string }>(
      ctx,
      `SELECT m.invited_by_member_id AS inviter_id, m.nickname FROM members m
       WHERE m.id = $1 AND m.invited_by_member_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM referral_rewards r WHERE r.invitee_id = m.id)
         AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.member_id = m.id
                         AND o.picked_up_at IS NOT NULL AND o.id <> ALL($2::uuid[]))`,
      [inviteeId, orderIds],
    );
    if (!invitee) return;
    const policy = await this.policies.get(ctx);
    const month = businessDay(this.clock.now()).slice(0, 7);
    // Both points accounts are taken first, as every ledger caller takes them before the members'
    // other rows, and in member-id order, as the expiry job takes them. The inviter's stays
    // locked until this commits: their rewards of the month are counted one first pickup at a
    // time, so that the cap holds however many come at once.
    await this.ledger.holdAccounts(ctx, [inviteeId, invitee.inviter_id]);
    const [{ rewarded }] = await this.connection.query<{ rewarded: number }>(
      ctx,
      `SELECT count(*)::int AS rewarded FROM referral_rewards
       WHERE inviter_id = $1 AND month = $2 AND inviter_points > 0 AND reversed_at IS NULL`,
      [invitee.inviter_id, month],
    );
    const inviterPoints = rewarded < policy.referralMonthlyCap ? policy.referralInviterPoints : 0;
    const inviteePoints = policy.referralInviteePoints;
    const inserted = await this.connection.query(
      ctx,
      `INSERT INTO referral_rewards (invitee_id, inviter_id, order_id, month, inviter_points, invitee_points)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (invitee_id) DO NOTHING RETURNING invitee_id`,
      [inviteeId, invitee.inviter_id, orderIds[0], month, inviterPoints, inviteePoints],
    );
    if (inserted.length === 0) return;
    const source = { type: 'referral', id: inviteeId };
    if (inviteePoints > 0) {
      await this.ledger.earnPending(ctx, inviteeId, source, inviteePoints, '新人首单奖励');
      await this.notifications.notify(ctx, inviteeId, {
        kind: 'referral_rewarded',
        dedupeKey: `referral-rewarded:${inviteeId}:invitee`,
        title: '新人首单奖励',
        body: `首单取货成功，送你 ${inviteePoints} 积分，售后期结束后到账，下单时可以抵扣现金`,
        data: { points: inviteePoints },
      });
    }
    if (inviterPoints > 0) {
      await this.ledger.earnPending(ctx, invitee.inviter_id, source, inviterPoints, '邀请好友奖励');
      await this.notifications.notify(ctx, invitee.inviter_id, {
        kind: 'referral_rewarded',
        dedupeKey: `referral-rewarded:${inviteeId}:inviter`,
        title: '邀请好友奖励',
        body: `你邀请的邻居 ${invitee.nickname} 完成了首单，送你 ${inviterPoints} 积分，售后期结束后到账`,
        data: { points: inviterPoints, inviteeNickname: invitee.nickname },
      });
    }
  }

  /**
   * Locks the points accounts of the members and of the inviters their standing invite rewards
   * name, in member id order, before completing or refunding the members' orders: that work goes
   * on to write to both sides of a reward (onOrderKept, onRefundedWhole), and with the invitee's
   * account taken first it would hold it while waiting for the inviter's, which the expiry job
   * may hold while waiting for the invitee's.
   */
  async holdAccountsOf(ctx: RequestContext, memberIds: string[]): Promise<void> {
    if (memberIds.length === 0) return;
    const inviters = await this.connection.query<{ inviter_id: string }>(
      ctx,
      `SELECT inviter_id FROM referral_rewards
       WHERE invitee_id = ANY($1::uuid[]) AND reversed_at IS NULL`,
      [memberIds],
    );
    await this.ledger.holdAccounts(ctx, [...memberIds, ...inviters.map((r) => r.inviter_id)]);
  }

  /**
   * After an order of the member completes, in the same transaction: the points of the reward
   * they brought as an invitee, on both sides, become spendable (once; a reversed reward's are
   * gone). Both points accounts are the caller's already (holdAccountsOf).
   */
  async onOrderKept(ctx: RequestContext, inviteeId: string): Promise<void> {
    // Only while some of it is pending: most completed orders are long past their reward.
    const [reward] = await this.connection.query<{ inviter_id: string }>(
      ctx,
      `SELECT r.inviter_id FROM referral_rewards r
       WHERE r.invitee_id = $1 AND r.reversed_at IS NULL AND EXISTS (
         SELECT 1 FROM point_lots l
         WHERE l.member_id IN (r.invitee_id, r.inviter_id) AND l.source_type = 'referral'
           AND l.source_id = $1::text AND l.state = 'pending')`,
      [inviteeId],
    );
    if (!reward) return;
    const source = { type: 'referral', id: inviteeId };
    await this.ledger.activate(ctx, inviteeId, source);
    await this.ledger.activate(ctx, reward.inviter_id, source);
  }

  /**
   * After a refund that leaves an order of the member with nothing, in the same transaction:
   * when the member was rewarded as an invitee and now keeps nothing they picked up, the reward
   * is reversed and its points, still pending, taken back from both sides (the inviter is
   * told). Returns the member's own points that could not be clawed back, for the refund to
   * keep back (none, while they are pending). Both points accounts are the caller's already
   * (holdAccountsOf).
   */
  async onRefundedWhole(
    ctx: RequestContext,
    inviteeId: string,
    operation: string,
  ): Promise<{ clawedBack: number; shortfall: number }> {
    const nothing = { clawedBack: 0, shortfall: 0 };
    // Locked before looking: of two refunds of the member's orders at once, the second looks
    // once the first has committed and sees that nothing is kept.
    const [reward] = await this.connection.query<{
      inviter_id: string;
      inviter_points: number;
      invitee_points: number;
      invitee_nickname: string;
    }>(
      ctx,
      `SELECT r.inviter_id, r.inviter_points, r.invitee_points, m.nickname AS invitee_nickname
       FROM referral_rewards r JOIN members m ON m.id = r.invitee_id
       WHERE r.invitee_id = $1 AND r.reversed_at IS NULL FOR UPDATE OF r`,
      [inviteeId],
    );
    if (!reward) return nothing;
    const [kept] = await this.connection.query(
      ctx,
      `SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id
       WHERE o.member_id = $1 AND o.picked_up_at IS NOT NULL AND l.refunded_quantity < l.quantity
       LIMIT 1`,
      [inviteeId],
    );
    if (kept) return nothing;
    await this.connection.query(
      ctx,
      `UPDATE referral_rewards SET reversed_at = $2 WHERE invitee_id = $1`,
      [inviteeId, this.clock.now()],
    );
    const source = { type: 'referral', id: inviteeId };
    const key = `${operation}:referral`;
    let shortfall = 0;
    if (reward.invitee_points > 0) {
      ({ shortfall } = await this.ledger.clawBack(
        ctx,
        inviteeId,
        source,
        key,
        reward.invitee_points,
      ));
    }
    if (reward.inviter_points > 0) {
      await this.ledger.clawBack(ctx, reward.inviter_id, source, key, reward.inviter_points);
      const nickname = reward.invitee_nickname;
      await this.notifications.notify(ctx, reward.inviter_id, {
        kind: 'referral_reversed',
        dedupeKey: `referral-reversed:${inviteeId}`,
        title: '邀请奖励已收回',
        body: `你邀请的邻居 ${nickname} 的首单已全部退款，邀请奖励 ${reward.inviter_points} 积分已收回`,
        data: { points: reward.inviter_points, inviteeNickname: nickname },
      });
    }
    return { clawedBack: reward.invitee_points, shortfall };
  }

  /** The member's invite code, who joined through it and what it earned them. */
  async invite(ctx: RequestContext, memberId: string): Promise<InviteView> {
    const month = businessDay(this.clock.now()).slice(0, 7);
    const [row] = await this.connection.query<{
      invite_code: string;
      invited: number;
      rewarded: number;
      points_earned: number;
      rewarded_this_month: number;
    }>(
      ctx,
      `SELECT m.invite_code,
              (SELECT count(*) FROM members i WHERE i.invited_by_member_id = m.id)::int AS invited,
              count(r.invitee_id) FILTER (WHERE r.inviter_points > 0)::int AS rewarded,
              COALESCE(sum(r.inviter_points), 0)::int AS points_earned,
              count(r.invitee_id) FILTER (WHERE r.inviter_points > 0 AND r.month = $2)::int
                AS rewarded_this_month
       FROM members m LEFT JOIN referral_rewards r ON r.inviter_id = m.id AND r.reversed_at IS NULL
       WHERE m.id = $1 GROUP BY m.id`,
      [memberId, month],
    );
    if (!row) throw AppException.notFound('Member');
    const policy = await this.policies.get(ctx);
    return {
      inviteCode: row.invite_code,
      invited: row.invited,
      rewarded: row.rewarded,
      pointsEarned: row.points_earned,
      rewardedThisMonth: row.rewarded_this_month,
      monthlyCap: policy.referralMonthlyCap,
      inviterPoints: policy.referralInviterPoints,
      inviteePoints: policy.referralInviteePoints,
    };
  }
}
