import type { OrderState } from './order-state';

/**
 * The tabs a shopper's order list is split into, each the states it shows. A cancelled order
 * is in none of them: only the whole list shows it.
 */
export const ORDER_STAGES = {
  to_pay: ['pending_payment'],
  to_pick_up: ['paid', 'confirmed', 'delivering', 'ready_for_pickup'],
  picked_up: ['picked_up', 'completed'],
  refunded: ['refunded', 'partially_refunded'],
} as const satisfies Record<string, readonly OrderState[]>;

export type OrderStage = keyof typeof ORDER_STAGES;

export const ORDER_STAGE_NAMES = Object.keys(ORDER_STAGES) as OrderStage[];
