import {
  nextOrderState,
  ORDER_STATES,
  ORDER_TRANSITIONS,
  OrderEvent,
  OrderTransitionError,
  statesAllowing,
} from './order-state';

describe('order state machine', () => {
  it('walks the happy path from payment to completion', () => {
    const events: OrderEvent[] = ['pay', 'confirm', 'dispatch', 'receive', 'pick_up', 'complete'];
    expect(
      events.reduce(
        (state, event) => nextOrderState(state, event),
        'pending_payment' as (typeof ORDER_STATES)[number],
      ),
    ).toBe('completed');
  });

  it('lets an unpaid or paid order be cancelled, but not once confirmed', () => {
    expect(nextOrderState('pending_payment', 'cancel')).toBe('cancelled');
    expect(nextOrderState('paid', 'cancel')).toBe('cancelled');
    expect(() => nextOrderState('confirmed', 'cancel')).toThrow(OrderTransitionError);
  });

  it('refunds every paid order of a failed campaign', () => {
    expect(nextOrderState('paid', 'fail_campaign')).toBe('refunded');
    expect(() => nextOrderState('pending_payment', 'fail_campaign')).toThrow(OrderTransitionError);
  });

  it('refunds after-sales only once picked up', () => {
    expect(() => nextOrderState('confirmed', 'refund_part')).toThrow(OrderTransitionError);
    expect(nextOrderState('picked_up', 'refund_all')).toBe('refunded');
  });

  it('allows partial refunds to repeat and to complete afterwards', () => {
    const once = nextOrderState('picked_up', 'refund_part');
    expect(nextOrderState(once, 'refund_part')).toBe('partially_refunded');
    expect(nextOrderState(once, 'complete')).toBe('completed');
    expect(nextOrderState(once, 'refund_all')).toBe('refunded');
  });

  it('lets nothing leave a final state', () => {
    for (const final of ['completed', 'cancelled', 'refunded'] as const) {
      for (const event of Object.keys(ORDER_TRANSITIONS) as OrderEvent[]) {
        expect(() => nextOrderState(final, event)).toThrow(OrderTransitionError);
      }
    }
  });

  it('names only real states', () => {
    for (const event of Object.keys(ORDER_TRANSITIONS) as OrderEvent[]) {
      expect(statesAllowing(event).every((s) => ORDER_STATES.includes(s))).toBe(true);
      expect(ORDER_STATES).toContain(ORDER_TRANSITIONS[event].to);
    }
  });
});
