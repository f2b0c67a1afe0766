import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { decodeCursor, keysetPage, PageQuery } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { NotificationsService } from '../notifications/notifications.service';
import {
  RewardPickup,
  RewardPickupPage,
  RewardPickupState,
  RewardShipment,
} from './dto/reward.dto';

interface PickupRow {
  id: string;
  member_id: string;
  nickname: string;
  reward_name: string;
  image: string | null;
  quantity: number;
  pickup_state: RewardPickupState;
  pickup_code: string;
  pickup_point_name: string;
  created_at: Date;
  ready_at: Date | null;
  picked_up_at: Date | null;
  cursor_at: string;
}

const SELECT_PICKUPS = `
  SELECT d.id, d.member_id, m.nickname, r.name AS reward_name, r.image, d.quantity, d.pickup_state,
         d.pickup_code, p.name AS pickup_point_name, d.created_at, d.ready_at, d.picked_up_at,
         d.created_at::text AS cursor_at
  FROM redemptions d JOIN rewards r ON r.id = d.reward_id JOIN members m ON m.id = d.member_id
    JOIN pickup_points p ON p.id = d.pickup_point_id`;

const rewardPickupNotFound = (redemptionId: string) =>
  AppException.notFound('Reward pickup', { redemptionId });

/** Goods of the rewards mall whose code was given but which have not arrived. */
export const rewardNotArrived = (redemptionId: string) =>
  new AppException(HttpStatus.CONFLICT, ErrorCode.OrderNotReady, 'The goods have not arrived yet', {
    redemptionId,
    state: 'awaiting_delivery',
  });

/**
 * Goods from the rewards mall at a pickup point (DESIGN.md section 8: collected like an order):
 * the leader confirms they have arrived, which tells the member, and hands them over against the
 * member's pickup code or member code at 核销, with the point's orders. Only redemptions of the
 * leader's own point are ever looked at.
 */
@Injectable()
export class RewardPickupsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /** The point's goods in one state, oldest first. */
  async list(
    ctx: RequestContext,
    pickupPointId: string,
    state: RewardPickupState,
    page: PageQuery,
  ): Promise<RewardPickupPage> {
    const after = decodeCursor(page.cursor);
    const rows = await this.connection.query<PickupRow>(
      ctx,
      `${SELECT_PICKUPS}
       WHERE d.pickup_point_id = $1 AND d.pickup_state = $2
         AND ($3::timestamptz IS NULL OR (d.created_at, d.id) > ($3::timestamptz, $4::uuid))
       ORDER BY d.created_at, d.id LIMIT $5`,
      [pickupPointId, state, after?.at ?? null, after?.id ?? null, page.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, page.limit);
    return { items: shown.map(toPickup), nextCursor };
  }

  /**
   * For operators, what goods to send where: units of each goods reward per pickup point, by
   * how far they have got, for the points with any still to arrive first.
   */
  async shipments(ctx: RequestContext): Promise<RewardShipment[]> {
    const rows = await this.connection.query<{
      reward_id: string;
      reward_name: string;
      pickup_point_id: string;
      pickup_point_name: string;
      awaiting_delivery: number;
      ready_for_pickup: number;
      picked_up: number;
    }>(
      ctx,
      `SELECT d.reward_id, r.name AS reward_name, d.pickup_point_id, p.name AS pickup_point_name,
              COALESCE(SUM(d.quantity) FILTER (WHERE d.pickup_state = 'awaiting_delivery'), 0)::int AS awaiting_delivery,
              COALESCE(SUM(d.quantity) FILTER (WHERE d.pickup_state = 'ready_for_pickup'), 0)::int AS ready_for_pickup,
              COALESCE(SUM(d.quantity) FILTER (WHERE d.pickup_state = 'picked_up'), 0)::int AS picked_up
       FROM redemptions d JOIN rewards r ON r.id = d.reward_id JOIN pickup_points p ON p.id = d.pickup_point_id
       WHERE d.pickup_point_id IS NOT NULL AND d.pickup_state <> 'cancelled'
       GROUP BY d.reward_id, r.name, d.pickup_point_id, p.name
       ORDER BY awaiting_delivery DESC, r.name, p.name`,
    );
    return rows.map((r) => ({
      rewardId: r.reward_id,
      rewardName: r.reward_name,
      pickupPointId: r.pickup_point_id,
      pickupPointName: r.pickup_point_name,
      awaitingDelivery: r.awaiting_delivery,
      readyForPickup: r.ready_for_pickup,
      pickedUp: r.picked_up,
    }));
  }

  /**
   * The goods have arrived: ready to be handed over, and the member is told once. Confirming
   * goods that already arrived, or were handed over, changes nothing.
   */
  async arrive(
    ctx: RequestContext,
    pickupPointId: string,
    redemptionId: string,
  ): Promise<RewardPickup> {
    const [arrived] = await this.connection.query<{ id: string }>(
      ctx,
      `UPDATE redemptions SET pickup_state = 'ready_for_pickup', ready_at = $3
       WHERE id = $1 AND pickup_point_id = $2 AND pickup_state = 'awaiting_delivery' RETURNING id`,
      [redemptionId, pickupPointId, this.clock.now()],
    );
    const [pickup] = await this.rows(ctx, pickupPointId, [redemptionId]);
    if (!pickup) throw rewardPickupNotFound(redemptionId);
    if (arrived)
      await this.notifications.notify(ctx, pickup.member_id, {
        kind: 'reward_ready',
        dedupeKey: `reward-ready:${pickup.id}`,
        title: '兑换的好礼到货啦',
        body: `「${pickup.reward_name}」已到「${pickup.pickup_point_name}」，出示提货码即可领取。`,
        data: { redemptionId: pickup.id },
      });
    return toPickup(pickup);
  }

  /**
   * The point's redemption with this code, locked: one not yet handed over before one handed
   * over since `handedOverSince` (a handed-over code may be drawn again); undefined for none. A
   * cancelled one's code is no longer its, nor one handed over before then.
   */
  async lockWithCode(
    ctx: RequestContext,
    pickupPointId: string,
    code: string,
    handedOverSince: Date,
  ): Promise<{ id: string; state: RewardPickupState } | undefined> {
    const [row] = await this.connection.query<{ id: string; pickup_state: RewardPickupState }>(
      ctx,
      `SELECT id, pickup_state FROM redemptions
       WHERE pickup_point_id = $1 AND pickup_code = $2 AND pickup_state <> 'cancelled'
         AND (pickup_state <> 'picked_up' OR picked_up_at >= $3)
       ORDER BY pickup_state = 'picked_up', created_at DESC LIMIT 1 FOR UPDATE`,
      [pickupPointId, code, handedOverSince],
    );
    return row && { id: row.id, state: row.pickup_state };
  }

  /** The member's goods handed over at this point since `since`. */
  async pickedUpSince(
    ctx: RequestContext,
    pickupPointId: string,
    memberId: string,
    since: Date,
  ): Promise<string[]> {
    const rows = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT id FROM redemptions
       WHERE pickup_point_id = $1 AND member_id = $2 AND pickup_state = 'picked_up' AND picked_up_at >= $3
       ORDER BY id`,
      [pickupPointId, memberId, since],
    );
    return rows.map((r) => r.id);
  }

  /** The member's goods ready at this point, locked. */
  async lockReadyOf(
    ctx: RequestContext,
    pickupPointId: string,
    memberId: string,
  ): Promise<string[]> {
    const rows = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT id FROM redemptions
       WHERE pickup_point_id = $1 AND member_id = $2 AND pickup_state = 'ready_for_pickup'
       ORDER BY id FOR UPDATE`,
      [pickupPointId, memberId],
    );
    return rows.map((r) => r.id);
  }

  /** Hands over goods that are ready (locked by the caller); returns them as they are now. */
  async handOver(
    ctx: RequestContext,
    pickupPointId: string,
    redemptionIds: string[],
  ): Promise<RewardPickup[]> {
    if (redemptionIds.length === 0) return [];
    await this.connection.query(
      ctx,
      `UPDATE redemptions SET pickup_state = 'picked_up', picked_up_at = $3
       WHERE id = ANY($1::uuid[]) AND pickup_point_id = $2 AND pickup_state = 'ready_for_pickup'`,
      [redemptionIds, pickupPointId, this.clock.now()],
    );
    return this.views(ctx, pickupPointId, redemptionIds);
  }

  async views(
    ctx: RequestContext,
    pickupPointId: string,
    redemptionIds: string[],
  ): Promise<RewardPickup[]> {
    return (await this.rows(ctx, pickupPointId, redemptionIds)).map(toPickup);
  }

  private rows(
    ctx: RequestContext,
    pickupPointId: string,
    redemptionIds: string[],
  ): Promise<PickupRow[]> {
    if (redemptionIds.length === 0) return Promise.resolve([]);
    return this.connection.query<PickupRow>(
      ctx,
      `${SELECT_PICKUPS} WHERE d.id = ANY($1::uuid[]) AND d.pickup_point_id = $2
       ORDER BY d.created_at, d.id`,
      [redemptionIds, pickupPointId],
    );
  }
}

function toPickup(row: PickupRow): RewardPickup {
  return {
    id: row.id,
    nickname: row.nickname,
    rewardName: row.reward_name,
    image: row.image,
    quantity: row.quantity,
    state: row.pickup_state,
    codeHint: row.pickup_code.slice(-4),
    createdAt: row.created_at.toISOString(),
    readyAt: row.ready_at?.toISOString() ?? null,
    pickedUpAt: row.picked_up_at?.toISOString() ?? null,
  };
}
