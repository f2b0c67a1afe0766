/** Every state a group-buy order can be in (DESIGN.md section 7). */
export const ORDER_STATES = [
  'pending_payment',
  'paid',
  'confirmed',
  'delivering',
  'ready_for_pickup',
  'picked_up',
  'completed',
  'cancelled',
  'refunded',
  'partially_refunded',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** What happens to an order; each event is allowed from the states listed, and leads to one state. */
export const ORDER_TRANSITIONS = {
  pay: { from: ['pending_payment'], to: 'paid' },
  expire: { from: ['pending_payment'], to: 'cancelled' },
  cancel: { from: ['pending_payment', 'paid'], to: 'cancelled' },
  confirm: { from: ['paid'], to: 'confirmed' },
  fail_campaign: { from: ['paid'], to: 'refunded' },
  dispatch: { from: ['confirmed'], to: 'delivering' },
  receive: { from: ['delivering'], to: 'ready_for_pickup' },
  pick_up: { from: ['ready_for_pickup'], to: 'picked_up' },
  complete: { from: ['picked_up', 'partially_refunded'], to: 'completed' },
  // After-sales: within the window that opens at pickup, some lines or all of them.
  refund_part: { from: ['picked_up', 'partially_refunded'], to: 'partially_refunded' },
  refund_all: { from: ['picked_up', 'partially_refunded'], to: 'refunded' },
} as const satisfies Record<string, { from: readonly OrderState[]; to: OrderState }>;

export type OrderEvent = keyof typeof ORDER_TRANSITIONS;

export class OrderTransitionError extends Error {
  constructor(
    readonly state: OrderState,
    readonly event: OrderEvent,
  ) {
    super(`an order that is ${state} cannot ${event}`);
  }
}

/** The state after `event`; throws OrderTransitionError when the table does not allow it. */
export function nextOrderState(state: OrderState, event: OrderEvent): OrderState {
  const transition = ORDER_TRANSITIONS[event];
  if (!(transition.from as readonly OrderState[]).includes(state))
    throw new OrderTransitionError(state, event);
  return transition.to;
}

/** The states from which `event` may happen, for guarded updates: `... WHERE state = ANY($from)`. */
export function statesAllowing(event: OrderEvent): readonly OrderState[] {
  return ORDER_TRANSITIONS[event].from;
}
