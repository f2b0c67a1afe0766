import { HttpStatus, Injectable } from '@nestjs/common';
import {
  nextOrderState,
  ORDER_TRANSITIONS,
  OrderEvent,
  OrderState,
  OrderTransitionError,
  statesAllowing,
} from '@linli/domain';
import { ErrorCode } from '@linli/shared';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';

/** Timestamps an order records as it moves on. */
export type OrderStamp =
  | 'paid_at'
  | 'confirmed_at'
  | 'ready_at'
  | 'picked_up_at'
  | 'after_sales_ends_at'
  | 'completed_at';

/** What an order records as it moves on: when, and on payment the points it earns. */
export type OrderRecord = Partial<Record<OrderStamp, Date>> & { points_to_earn?: number };

export const orderStateInvalid = (state: OrderState, event: OrderEvent) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.OrderStateInvalid,
    `An order that is ${state} cannot ${event}`,
    { state, event },
  );

/**
 * The one way an order changes state: the domain's transitions table decides, and a guarded
 * update (`WHERE state = ANY(<states the event allows>)`) applies it, so a concurrent change
 * can never be overwritten.
 */
@Injectable()
export class OrderTransitions {
  constructor(private readonly connection: TransactionalConnection) {}

  /** Moves one order the caller has locked; ORDER_STATE_INVALID when the table does not allow it. */
  async apply(
    ctx: RequestContext,
    order: { id: string; state: OrderState },
    event: OrderEvent,
    stamps: OrderRecord = {},
  ): Promise<void> {
    let next: OrderState;
    try {
      next = nextOrderState(order.state, event);
    } catch (error) {
      if (error instanceof OrderTransitionError) throw orderStateInvalid(order.state, event);
      throw error;
    }
    const moved = await this.applyMany(ctx, [order.id], event, stamps);
    if (moved.length === 0) throw orderStateInvalid(order.state, event);
    order.state = next;
  }

  /**
   * Moves every order of `ids` that `event` allows; returns those it moved, with their members.
   * The same statement counts the paid orders it moves into or out of their campaigns' buyers.
   */
  async applyMany(
    ctx: RequestContext,
    ids: readonly string[],
    event: OrderEvent,
    stamps: OrderRecord = {},
  ): Promise<{ id: string; memberId: string }[]> {
    if (ids.length === 0) return [];
    const columns = Object.keys(stamps) as (keyof OrderRecord)[];
    const set = columns.map((column, i) => `, ${column} = $${i + 4}`).join('');
    const update = `UPDATE orders SET state = $2${set} WHERE id = ANY($1::uuid[]) AND state = ANY($3::text[])
       RETURNING id, member_id, paid_at IS NOT NULL AS paid`;
    const buyers = buyersChange(event);
    // The paid orders moved, by campaign and member.
    const paidMoved = `SELECT l.campaign_id, m.member_id, COUNT(*)::int AS orders
      FROM moved m JOIN order_lines l ON l.order_id = m.id WHERE m.paid
      GROUP BY l.campaign_id, m.member_id ORDER BY l.campaign_id, m.member_id`;
    const count =
      buyers === 1
        ? `INSERT INTO campaign_buyers AS b (campaign_id, member_id, paid_orders) ${paidMoved}
           ON CONFLICT (campaign_id, member_id) DO UPDATE SET paid_orders = b.paid_orders + EXCLUDED.paid_orders`
        : buyers === -1
          ? `UPDATE campaign_buyers b SET paid_orders = b.paid_orders - p.orders FROM (${paidMoved}) p
             WHERE b.campaign_id = p.campaign_id AND b.member_id = p.member_id`
          : null;
    const rows = await this.connection.query<{ id: string; member_id: string }>(
      ctx,
      count === null
        ? update
        : `WITH moved AS (${update}), counted AS (${count}) SELECT id, member_id FROM moved`,
      [ids, ORDER_TRANSITIONS[event].to, statesAllowing(event), ...columns.map((c) => stamps[c])],
    );
    return rows.map((r) => ({ id: r.id, memberId: r.member_id }));
  }
}

/**
 * What `event` does to the paid orders it moves, as its campaigns count buyers (paid, neither
 * cancelled nor refunded): payment adds them, ending in cancelled or refunded takes them away,
 * and the rest move between counted states. Cancelled and refunded orders move no more.
 */
function buyersChange(event: OrderEvent): 1 | -1 | 0 {
  if (event === 'pay') return 1;
  const to: OrderState = ORDER_TRANSITIONS[event].to;
  return to === 'cancelled' || to === 'refunded' ? -1 : 0;
}
