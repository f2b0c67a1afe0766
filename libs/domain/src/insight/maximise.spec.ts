import { maximise, nelderMead } from './maximise';

describe('maximise', () => {
  it('climbs Rosenbrock’s curved valley to its top at (1, 1)', () => {
    const rosenbrock = ([x, y]: readonly number[], gradient?: number[]) => {
      if (gradient) {
        gradient[0] = 2 * (1 - x) + 400 * x * (y - x * x);
        gradient[1] = -200 * (y - x * x);
      }
      return -((1 - x) ** 2) - 100 * (y - x * x) ** 2;
    };
    const maximum = maximise(rosenbrock, [-1.2, 1]);
    expect(maximum.point[0]).toBeCloseTo(1, 9);
    expect(maximum.point[1]).toBeCloseTo(1, 9);
    expect(maximum.gradientNorm).toBeLessThan(1e-8);
  });

  it('finds a concave quadratic’s top exactly, from far away', () => {
    const top = [3, -2, 0.5];
    const quadratic = (point: readonly number[], gradient?: number[]) => {
      let value = 0;
      point.forEach((v, i) => {
        value -= (i + 1) * (v - top[i]) ** 2;
        if (gradient) gradient[i] = -2 * (i + 1) * (v - top[i]);
      });
      return value;
    };
    const maximum = maximise(quadratic, [40, 40, 40]);
    maximum.point.forEach((v, i) => expect(v).toBeCloseTo(top[i], 10));
  });

  it('treats points where the objective is not finite as worst', () => {
    const logBarrier = ([x]: readonly number[]) => Math.log(x) - x;
    const best = nelderMead(logBarrier, [5], 10, 1e-12, 500, 1e-8);
    expect(best.point[0]).toBeCloseTo(1, 6);
  });
});
