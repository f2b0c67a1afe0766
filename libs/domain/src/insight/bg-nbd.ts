import { maximise } from './maximise';
import { digamma, logGamma, logHypergeometric2F1, logSumExp } from './special-functions';

// Bound once: a Math.* lookup in a hot loop costs an order of magnitude more in some hosts
// (Jest's sandboxed globals among them) than a call through a module constant.
const { exp, expm1, log } = Math;

/**
 * BG/NBD (Fader, Hardie and Lee, 2005): while alive, a customer buys as a Poisson process
 * whose rate varies across customers as Gamma(r, alpha); after each repeat purchase they
 * drop out with a probability that varies as Beta(a, b). alpha is in the fit's time unit.
 */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** A customer's repeat-purchase history, time in the model's unit (see CustomerSummary). */
export interface RepeatHistory {
  /** x: repeat purchases (days bought on after the first) */
  frequency: number;
  /** t_x: first purchase to last */
  recency: number;
  /** T: first purchase to the end of the history */
  age: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  /** The summed log-likelihood at params. */
  logLikelihood: number;
  /**
   * Whether the fit found a maximum: the likelihood flat there (gradient below 1e-6 per
   * customer) with every parameter within e^±30. When data have no maximum inside (no one
   * came back, or a single customer), the parameters run off towards 0 or infinity instead,
   * and say little.
   */
  converged: boolean;
  customers: number;
}

function checkHistory(frequency: number, recency: number, age: number): void {
  if (!Number.isInteger(frequency) || frequency < 0)
    throw new RangeError(`frequency must be a whole number >= 0, not ${frequency}`);
  if (!(recency >= 0 && age >= recency && Number.isFinite(age)))
    throw new RangeError(`need 0 <= recency <= age, not recency ${recency}, age ${age}`);
  if (frequency === 0 && recency !== 0)
    throw new RangeError('a customer without repeat purchases has recency 0');
}

/**
 * One customer's log-likelihood under BG/NBD (as lifetimes' BetaGeoFitter):
 * A1 = lnΓ(r+x) - lnΓ(r) + r ln α, A2 = lnΓ(a+b) + lnΓ(b+x) - lnΓ(b) - lnΓ(a+b+x),
 * A3 = -(r+x) ln(α+T), A4 = ln a - ln(b+x-1) - (r+x) ln(α+t_x) when x > 0;
 * LL = A1 + A2 + ln(e^A3 + e^A4).
 */
export function bgNbdLogLikelihood(
  params: BgNbdParams,
  frequency: number,
  recency: number,
  age: number,
): number {
  checkHistory(frequency, recency, age);
  const { r, alpha, a, b } = params;
  const x = frequency;
  const a1 = logGamma(r + x) - logGamma(r) + r * log(alpha);
  const a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const a3 = -(r + x) * log(alpha + age);
  const a4 = x > 0 ? log(a) - log(b + x - 1) - (r + x) * log(alpha + recency) : -Infinity;
  return a1 + a2 + logSumExp(a3, a4);
}

/** Indexes distinct numbers in order of first appearance. */
class Distinct {
  readonly values: number[] = [];
  private readonly index = new Map<number, number>();
  of(value: number): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.index.set(value, i);
      this.values.push(value);
    }
    return i;
  }
}

/** ln(α + v) and 1/(α + v) of each distinct time v, computed once per likelihood evaluation. */
function shiftedLogAndInverse(
  values: readonly number[],
  alpha: number,
): [Float64Array, Float64Array] {
  const logs = new Float64Array(values.length);
  const inverses = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) {
    logs[k] = log(alpha + values[k]);
    inverses[k] = 1 / (alpha + values[k]);
  }
  return [logs, inverses];
}

/**
 * The histories reduced to what the likelihood needs: customers with the same (x, t_x, T)
 * weigh as one pattern (Fader and Hardie's grouping), and the terms that depend on x alone,
 * on T alone or on t_x alone are computed once per distinct value.
 */
class GroupedHistories {
  readonly frequencies = new Distinct();
  readonly ages = new Distinct();
  readonly recencies = new Distinct();
  /** customers per distinct frequency */
  frequencyWeights: number[] = [];
  /** x = 0: one pattern per distinct age */
  zeroAge: number[] = [];
  zeroWeight: number[] = [];
  /** x > 0 patterns: indexes into the distinct values, and a weight */
  repeatFrequency: number[] = [];
  repeatRecency: number[] = [];
  repeatAge: number[] = [];
  repeatWeight: number[] = [];
  customers = 0;
  maxAge = 0;

  constructor(histories: Iterable<RepeatHistory>) {
    const zeroPatterns = new Map<number, number>();
    const repeatPatterns = new Map<string, number>();
    for (const { frequency, recency, age } of histories) {
      checkHistory(frequency, recency, age);
      this.customers++;
      if (age > this.maxAge) this.maxAge = age;
      const f = this.frequencies.of(frequency);
      this.frequencyWeights[f] = (this.frequencyWeights[f] ?? 0) + 1;
      const ageIndex = this.ages.of(age);
      if (frequency === 0) {
        const pattern = zeroPatterns.get(ageIndex);
        if (pattern === undefined) {
          zeroPatterns.set(ageIndex, this.zeroAge.length);
          this.zeroAge.push(ageIndex);
          this.zeroWeight.push(1);
        } else {
          this.zeroWeight[pattern]++;
        }
        continue;
      }
      const recencyIndex = this.recencies.of(recency);
      const key = `${f},${recencyIndex},${ageIndex}`;
      const pattern = repeatPatterns.get(key);
      if (pattern === undefined) {
        repeatPatterns.set(key, this.repeatWeight.length);
        this.repeatFrequency.push(f);
        this.repeatRecency.push(recencyIndex);
        this.repeatAge.push(ageIndex);
        this.repeatWeight.push(1);
      } else {
        this.repeatWeight[pattern]++;
      }
    }
  }

  /**
   * The mean log-likelihood per customer at log-parameters θ = ln(r, α, a, b), and its
   * gradient in θ when asked.
   */
  meanLogLikelihood(theta: readonly number[], gradient?: number[]): number {
    const [r, alpha, a, b] = theta.map(exp);
    const [logAlphaAge, inverseAlphaAge] = shiftedLogAndInverse(this.ages.values, alpha);
    const [logAlphaRecency, inverseAlphaRecency] = shiftedLogAndInverse(
      this.recencies.values,
      alpha,
    );
    const frequencies = this.frequencies.values;
    const logBx = new Float64Array(frequencies.length);
    const inverseBx = new Float64Array(frequencies.length);
    let total = 0;
    let dr = 0;
    let dAlpha = 0;
    let da = 0;
    let db = 0;
    const logAlpha = log(alpha);
    const logGammaR = logGamma(r);
    const logGammaAB = logGamma(a + b);
    const logGammaB = logGamma(b);
    const digammaR = gradient ? digamma(r) : 0;
    const digammaAB = gradient ? digamma(a + b) : 0;
    const digammaB = gradient ? digamma(b) : 0;
    for (let f = 0; f < frequencies.length; f++) {
      const x = frequencies[f];
      const w = this.frequencyWeights[f];
      logBx[f] = log(b + x - 1);
      inverseBx[f] = 1 / (b + x - 1);
      total +=
        w *
        (logGamma(r + x) -
          logGammaR +
          r * logAlpha +
          logGammaAB +
          logGamma(b + x) -
          logGammaB -
          logGamma(a + b + x));
      if (gradient) {
        dr += w * (digamma(r + x) - digammaR + logAlpha);
        dAlpha += (w * r) / alpha;
        const digammaABX = digamma(a + b + x);
        da += w * (digammaAB - digammaABX);
        db += w * (digammaAB + digamma(b + x) - digammaB - digammaABX);
      }
    }
    for (let g = 0; g < this.zeroAge.length; g++) {
      const k = this.zeroAge[g];
      const w = this.zeroWeight[g];
      total -= w * r * logAlphaAge[k];
      if (gradient) {
        dr -= w * logAlphaAge[k];
        dAlpha -= w * r * inverseAlphaAge[k];
      }
    }
    const logA = log(a);
    for (let g = 0; g < this.repeatWeight.length; g++) {
      const f = this.repeatFrequency[g];
      const k = this.repeatAge[g];
      const j = this.repeatRecency[g];
      const w = this.repeatWeight[g];
      const rx = r + frequencies[f];
      const a3 = -rx * logAlphaAge[k];
      const a4 = logA - logBx[f] - rx * logAlphaRecency[j];
      // ln(e^A3 + e^A4) and the share of each term, from the larger one.
      const high = a3 > a4 ? a3 : a4;
      const e3 = exp(a3 - high);
      const e4 = exp(a4 - high);
      const sum = e3 + e4;
      total += w * (high + log(sum));
      if (gradient) {
        const w3 = e3 / sum;
        const w4 = e4 / sum;
        dr -= w * (w3 * logAlphaAge[k] + w4 * logAlphaRecency[j]);
        dAlpha -= w * rx * (w3 * inverseAlphaAge[k] + w4 * inverseAlphaRecency[j]);
        da += (w * w4) / a;
        db -= w * w4 * inverseBx[f];
      }
    }
    const n = this.customers;
    if (gradient) {
      // d/dθ = p d/dp for θ = ln p.
      gradient[0] = (r * dr) / n;
      gradient[1] = (alpha * dAlpha) / n;
      gradient[2] = (a * da) / n;
      gradient[3] = (b * db) / n;
    }
    return total / n;
  }
}

/**
 * BG/NBD fitted by maximum likelihood (no penalty) on every customer's history, to the same
 * maximum as lifetimes' BetaGeoFitter. A RangeError when there is no customer.
 */
export function fitBgNbd(histories: Iterable<RepeatHistory>): BgNbdFit {
  const grouped = new GroupedHistories(histories);
  if (grouped.customers === 0) throw new RangeError('No customer to fit BG/NBD on');
  // Parameters in logs, so that they stay positive; α starts at a tenth of the oldest
  // customer's age, as lifetimes' scaling of time does, so the start suits any unit.
  const start = [0, log(grouped.maxAge > 0 ? grouped.maxAge / 10 : 1), 0, 0];
  const maximum = maximise((theta, gradient) => grouped.meanLogLikelihood(theta, gradient), start);
  const [r, alpha, a, b] = maximum.point.map(exp);
  return {
    params: { r, alpha, a, b },
    logLikelihood: maximum.value * grouped.customers,
    converged: maximum.gradientNorm < 1e-6 && maximum.point.every((v) => Math.abs(v) < 30),
    customers: grouped.customers,
  };
}

/**
 * The probability that a customer with this history is still alive (lifetimes'
 * conditional_probability_alive): 1 when x = 0, else
 * 1 / (1 + a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)), computed in logs.
 */
export function probabilityAlive(
  params: BgNbdParams,
  frequency: number,
  recency: number,
  age: number,
): number {
  checkHistory(frequency, recency, age);
  if (frequency === 0) return 1;
  const { r, alpha, a, b } = params;
  const logOdds =
    (r + frequency) * (log(alpha + age) - log(alpha + recency)) + log(a) - log(b + frequency - 1);
  // 1 / (1 + e^logOdds), from whichever side does not overflow.
  if (logOdds > 0) {
    const e = exp(-logOdds);
    return e / (1 + e);
  }
  return 1 / (1 + exp(logOdds));
}

/**
 * The expected number of purchases a customer with this history makes in the next `t` units
 * (Fader, Hardie and Lee's equation 10, lifetimes'
 * conditional_expected_number_of_purchases_up_to_time):
 * (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))] · P(alive).
 */
export function expectedPurchases(
  params: BgNbdParams,
  t: number,
  frequency: number,
  recency: number,
  age: number,
): number {
  checkHistory(frequency, recency, age);
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`t must be >= 0, not ${t}`);
  if (t === 0) return 0;
  const { r, alpha, a, b } = params;
  const x = frequency;
  const c = a + b + x - 1;
  const logHypergeometric = logHypergeometric2F1(r + x, b + x, c, t / (alpha + age + t));
  const unconditional =
    (c / (a - 1)) * -expm1(logHypergeometric + (r + x) * (log(alpha + age) - log(alpha + age + t)));
  return unconditional * probabilityAlive(params, frequency, recency, age);
}
