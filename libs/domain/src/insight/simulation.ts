// Customers drawn from the models themselves, from a seeded generator: parameter-recovery
// checks and benchmarks need the same customers on every run.
import type { BgNbdParams, RepeatHistory } from './bg-nbd';
import type { GammaGammaParams } from './gamma-gamma';

/** A uniform draw in [0, 1). */
export type Random = () => number;

/** mulberry32: a small, fast, seeded generator of uniform draws in [0, 1). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function standardNormal(random: Random): number {
  // Box-Muller; 1 - u keeps the logarithm away from 0.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A Gamma(shape, rate) draw (Marsaglia and Tsang; boosted below shape 1). */
export function gammaDraw(random: Random, shape: number, rate: number): number {
  if (shape < 1) return gammaDraw(random, shape + 1, rate) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

/** A Beta(a, b) draw. */
export function betaDraw(random: Random, a: number, b: number): number {
  const x = gammaDraw(random, a, 1);
  const y = gammaDraw(random, b, 1);
  return x / (x + y);
}

/** The times of a customer's repeat purchases under BG/NBD, observed for `age` units. */
export function simulateRepeatPurchases(
  params: BgNbdParams,
  age: number,
  random: Random,
): number[] {
  const rate = gammaDraw(random, params.r, params.alpha);
  const dropout = betaDraw(random, params.a, params.b);
  const times: number[] = [];
  let time = 0;
  for (;;) {
    time += -Math.log(1 - random()) / rate;
    if (time > age) return times;
    times.push(time);
    // Dropping out happens only after a repeat purchase: one who never returns is alive.
    if (random() < dropout) return times;
  }
}

/** A customer's history under BG/NBD, observed for `age` units. */
export function simulateRepeatHistory(
  params: BgNbdParams,
  age: number,
  random: Random,
): RepeatHistory {
  const times = simulateRepeatPurchases(params, age, random);
  return { frequency: times.length, recency: times.length ? times[times.length - 1] : 0, age };
}

/** The amounts of a customer's `count` transactions under Gamma-Gamma. */
export function simulateAmounts(params: GammaGammaParams, count: number, random: Random): number[] {
  const nu = gammaDraw(random, params.q, params.gamma);
  return Array.from({ length: count }, () => gammaDraw(random, params.p, nu));
}
