import { ORDER_STAGES } from './order-stage';
import { ORDER_STATES } from './order-state';

describe('order stages', () => {
  it('puts every state but cancelled in exactly one stage', () => {
    const staged = Object.values(ORDER_STAGES).flat();
    expect(new Set(staged).size).toBe(staged.length);
    expect([...staged].sort()).toEqual(ORDER_STATES.filter((s) => s !== 'cancelled').sort());
  });
});
