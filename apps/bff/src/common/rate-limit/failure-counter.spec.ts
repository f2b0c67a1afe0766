import { Clock } from '../clock';
import { FailureCounter } from './failure-counter';

describe('FailureCounter in process memory', () => {
  it('counts each key in its own window, and lets go of keys whose window ended once there are many', async () => {
    const clock = new Clock();
    const counter = new FailureCounter(null, clock, 'test:', 60_000);
    expect(await counter.record('admin')).toBe(1);
    expect(await counter.record('admin')).toBe(2);
    await counter.forgive('admin');
    expect(await counter.failures('admin')).toBe(1);

    // Random usernames, each tried once.
    for (let i = 0; i < 20_000; i++) await counter.record(`guess-${i}`);
    clock.advance(61_000);
    await counter.record('late');
    const kept = (counter as unknown as { local: Map<string, unknown> }).local;
    expect([...kept.keys()]).toEqual(['late']);
    expect(await counter.failures('admin')).toBe(0);
  });
});
