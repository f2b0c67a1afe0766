import { HttpStatus, Injectable } from '@nestjs/common';
import type { OrderState } from '@linli/domain';
import { ErrorCode } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { decodeCursor, keysetPage, PageQuery } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { CommissionLedger } from '../commission/commission-ledger.service';
import { ReferralsService } from '../engagement/referrals.service';
import { OrderTransitions } from '../group-buy/order-transitions.service';
import { NotificationsService } from '../notifications/notifications.service';
import { PointsPolicyService } from '../points/points-policy.service';
import { rewardNotArrived, RewardPickupsService } from '../rewards/reward-pickups.service';
import { MemberCodeService } from '../tiers/member-code.service';
import {
  PickupOrder,
  PickupOrderPage,
  VerifyPickupRequest,
  VerifyPickupResponse,
} from './dto/fulfilment.dto';
import { nothingToPickUp, orderNotReady, pickupCodeInvalid } from './fulfilment.exception';
import { PickupAttemptsService } from './pickup-attempts.service';

const DAY_MS = 86_400_000;
/** States of an open order that has been handed over. */
const HANDED_OVER: readonly OrderState[] = ['picked_up', 'partially_refunded'];

/**
 * 核销: the leader of a pickup point hands goods over against the shopper's 8-digit code or
 * member code: orders, and goods from the rewards mall. Only those of the leader's own pickup
 * point are ever looked at; a code of another point is as unknown as a wrong one, and wrong codes
 * count towards a pause.
 */
@Injectable()
export class PickupsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly transitions: OrderTransitions,
    private readonly commission: CommissionLedger,
    private readonly notifications: NotificationsService,
    private readonly policies: PointsPolicyService,
    private readonly memberCodes: MemberCodeService,
    private readonly attempts: PickupAttemptsService,
    private readonly referrals: ReferralsService,
    private readonly rewardPickups: RewardPickupsService,
    private readonly clock: Clock,
  ) {}

  /** The point's orders in one state, oldest first: those waiting longest come first. */
  async list(
    ctx: RequestContext,
    pickupPointId: string,
    state: OrderState,
    page: PageQuery,
  ): Promise<PickupOrderPage> {
    const after = decodeCursor(page.cursor);
    const rows = await this.connection.query<{ id: string; cursor_at: string }>(
      ctx,
      `SELECT id, created_at::text AS cursor_at FROM orders
       WHERE pickup_point_id = $1 AND state = $2
         AND ($3::timestamptz IS NULL OR (created_at, id) > ($3::timestamptz, $4::uuid))
       ORDER BY created_at, id LIMIT $5`,
      [pickupPointId, state, after?.at ?? null, after?.id ?? null, page.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, page.limit);
    return {
      items: await this.views(
        ctx,
        shown.map((r) => r.id),
      ),
      nextCursor,
    };
  }

  async verify(
    ctx: RequestContext,
    pickupPointId: string,
    request: VerifyPickupRequest,
  ): Promise<VerifyPickupResponse> {
    if ((request.code === undefined) === (request.memberCode === undefined)) {
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.ValidationFailed,
        'Give either a pickup code or a member code',
      );
    }
    const leaderId = ctx.memberId;
    // One verification of a leader at a time, held until its transaction ends, so after a wrong
    // code has been counted: codes sent in parallel are each checked against the count of the
    // ones before them, and cannot all slip in under the limit.
    await this.connection.lockForTransaction(ctx, `linli:pickup-verify:${leaderId}`);
    await this.attempts.assertAllowed(leaderId);
    try {
      return request.code !== undefined
        ? await this.verifyCode(ctx, pickupPointId, request.code)
        : await this.verifyMember(ctx, pickupPointId, request.memberCode as string);
    } catch (error) {
      if (
        error instanceof AppException &&
        [ErrorCode.PickupCodeInvalid, ErrorCode.MemberCodeInvalid].includes(error.code)
      ) {
        await this.attempts.recordFailure(leaderId);
      }
      throw error;
    }
  }

  /** An order's code, or else goods of the rewards mall: the two never share an open code. */
  private async verifyCode(
    ctx: RequestContext,
    pickupPointId: string,
    code: string,
  ): Promise<VerifyPickupResponse> {
    const [order] = await this.connection.query<{ id: string; state: OrderState }>(
      ctx,
      `SELECT id, state FROM orders
       WHERE pickup_point_id = $1 AND pickup_code = $2 AND state NOT IN ('completed', 'cancelled', 'refunded')
       FOR UPDATE`,
      [pickupPointId, code],
    );
    if (!order) return this.verifyRewardCode(ctx, pickupPointId, code);
    if (HANDED_OVER.includes(order.state))
      return { orders: await this.views(ctx, [order.id]), rewards: [], alreadyPickedUp: true };
    if (order.state !== 'ready_for_pickup') throw orderNotReady(order.id, order.state);
    await this.pickUp(ctx, [order.id]);
    return { orders: await this.views(ctx, [order.id]), rewards: [], alreadyPickedUp: false };
  }

  private async verifyRewardCode(
    ctx: RequestContext,
    pickupPointId: string,
    code: string,
  ): Promise<VerifyPickupResponse> {
    // Goods handed over answer to their code for as long as an order picked up does: until the
    // after-sales window would close. Codes are unique only among goods not yet handed over.
    const { afterSalesDays } = await this.policies.get(ctx);
    const reward = await this.rewardPickups.lockWithCode(
      ctx,
      pickupPointId,
      code,
      new Date(this.clock.now().getTime() - afterSalesDays * DAY_MS),
    );
    if (!reward) throw pickupCodeInvalid();
    if (reward.state === 'awaiting_delivery') throw rewardNotArrived(reward.id);
    const alreadyPickedUp = reward.state === 'picked_up';
    const rewards = alreadyPickedUp
      ? await this.rewardPickups.views(ctx, pickupPointId, [reward.id])
      : await this.rewardPickups.handOver(ctx, pickupPointId, [reward.id]);
    return { orders: [], rewards, alreadyPickedUp };
  }

  /** Every order and every good of the rewards mall of the member ready at this pickup point, at once. */
  private async verifyMember(
    ctx: RequestContext,
    pickupPointId: string,
    memberCode: string,
  ): Promise<VerifyPickupResponse> {
    const memberId = this.memberCodes.verify(memberCode);
    const ready = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT id FROM orders WHERE pickup_point_id = $1 AND member_id = $2 AND state = 'ready_for_pickup'
       ORDER BY id FOR UPDATE`,
      [pickupPointId, memberId],
    );
    const readyRewards = await this.rewardPickups.lockReadyOf(ctx, pickupPointId, memberId);
    if (ready.length === 0 && readyRewards.length === 0)
      return this.handedOverSince(
        ctx,
        pickupPointId,
        memberId,
        this.memberCodes.shownSince(memberCode),
      );
    const ids = ready.map((r) => r.id);
    if (ids.length > 0) await this.pickUp(ctx, ids);
    return {
      orders: await this.views(ctx, ids),
      rewards: await this.rewardPickups.handOver(ctx, pickupPointId, readyRewards),
      alreadyPickedUp: false,
    };
  }

  /**
   * The same member code scanned again (a second scan, or a retry after a lost answer): what was
   * handed over to the member here since the code was first shown, as already picked up; else
   * NOTHING_TO_PICK_UP.
   */
  private async handedOverSince(
    ctx: RequestContext,
    pickupPointId: string,
    memberId: string,
    since: Date,
  ): Promise<VerifyPickupResponse> {
    const orders = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT id FROM orders WHERE pickup_point_id = $1 AND member_id = $2 AND picked_up_at >= $3
       ORDER BY id`,
      [pickupPointId, memberId, since],
    );
    const rewards = await this.rewardPickups.pickedUpSince(ctx, pickupPointId, memberId, since);
    if (orders.length === 0 && rewards.length === 0) throw nothingToPickUp();
    return {
      orders: await this.views(
        ctx,
        orders.map((o) => o.id),
      ),
      rewards: await this.rewardPickups.views(ctx, pickupPointId, rewards),
      alreadyPickedUp: true,
    };
  }

  private async pickUp(ctx: RequestContext, orderIds: string[]): Promise<void> {
    const now = this.clock.now();
    const { afterSalesDays } = await this.policies.get(ctx);
    const moved = await this.transitions.applyMany(ctx, orderIds, 'pick_up', {
      picked_up_at: now,
      after_sales_ends_at: new Date(now.getTime() + afterSalesDays * DAY_MS),
    });
    await this.commission.freeze(
      ctx,
      moved.map((o) => o.id),
    );
    await this.notifications.notifyMany(
      ctx,
      moved.map((o) => ({
        memberId: o.memberId,
        kind: 'order_picked_up' as const,
        dedupeKey: `order-picked-up:${o.id}`,
        title: '已取货',
        body: `提货成功。${afterSalesDays} 天内如有问题，可在订单里申请售后。`,
        data: { orderId: o.id },
      })),
    );
    // A verification hands over the orders of one member; their first rewards an invitation.
    const byMember = new Map<string, string[]>();
    for (const o of moved) byMember.set(o.memberId, [...(byMember.get(o.memberId) ?? []), o.id]);
    for (const [memberId, ids] of byMember) await this.referrals.onPickedUp(ctx, memberId, ids);
  }

  private async views(ctx: RequestContext, orderIds: string[]): Promise<PickupOrder[]> {
    if (orderIds.length === 0) return [];
    const rows = await this.connection.query<{
      id: string;
      nickname: string;
      state: OrderState;
      pickup_code: string;
      ready_at: Date | null;
      picked_up_at: Date | null;
      lines: { title: string; image: string | null; quantity: number; refundedQuantity: number }[];
    }>(
      ctx,
      `SELECT o.id, m.nickname, o.state, o.pickup_code, o.ready_at, o.picked_up_at,
              json_agg(json_build_object('title', c.title, 'image', p.images->>0, 'quantity', l.quantity,
                'refundedQuantity', l.refunded_quantity) ORDER BY c.title) AS lines
       FROM orders o JOIN members m ON m.id = o.member_id
       JOIN order_lines l ON l.order_id = o.id JOIN campaigns c ON c.id = l.campaign_id
       JOIN skus s ON s.id = c.sku_id JOIN products p ON p.id = s.product_id
       WHERE o.id = ANY($1::uuid[])
       GROUP BY o.id, m.nickname ORDER BY o.created_at, o.id`,
      [orderIds],
    );
    return rows.map((r) => ({
      id: r.id,
      nickname: r.nickname,
      state: r.state,
      codeHint: r.pickup_code.slice(-4),
      lines: r.lines,
      readyAt: r.ready_at?.toISOString() ?? null,
      pickedUpAt: r.picked_up_at?.toISOString() ?? null,
    }));
  }
}
