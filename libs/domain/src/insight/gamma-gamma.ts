import { maximise } from './maximise';
import { digamma, logGamma } from './special-functions';

// Bound once: a Math.* lookup in a hot loop costs an order of magnitude more in some hosts
// (Jest's sandboxed globals among them) than a call through a module constant.
const { exp, log } = Math;

/**
 * Gamma-Gamma (Fader, Hardie and Lee, 2005; Fader and Hardie's note 025): the amounts of one
 * customer's transactions are Gamma(p, ν) around their own mean p/ν, and ν varies across
 * customers as Gamma(q, γ). γ is in the amounts' currency.
 */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** A returning customer's spend: x repeat transactions with mean amount m. */
export interface RepeatSpend {
  /** x: repeat transactions */
  frequency: number;
  /** m: their mean amount */
  monetary: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  /** The summed log-likelihood at params. */
  logLikelihood: number;
  /**
   * Whether the fit found a maximum: the likelihood flat there (gradient below 1e-6 per
   * customer) with every parameter within e^±30. When data have no maximum inside (no one
   * came back, or a single customer), the parameters run off towards 0 or infinity instead,
   * and say little.
   */
  converged: boolean;
  /** Customers the fit used: those with x >= 1 and m > 0. */
  customers: number;
}

/** Whether a customer's spend informs Gamma-Gamma: at least one repeat, a positive mean. */
export function hasRepeatSpend({ frequency, monetary }: RepeatSpend): boolean {
  return frequency >= 1 && monetary > 0;
}

/**
 * One returning customer's log-likelihood under Gamma-Gamma (as lifetimes'
 * GammaGammaFitter), x >= 1 and m > 0:
 * lnΓ(px+q) - lnΓ(px) - lnΓ(q) + q ln γ + (px-1) ln m + px ln x - (px+q) ln(xm+γ).
 */
export function gammaGammaLogLikelihood(
  params: GammaGammaParams,
  frequency: number,
  monetary: number,
): number {
  if (!hasRepeatSpend({ frequency, monetary }))
    throw new RangeError(
      'Gamma-Gamma needs at least one repeat purchase and a positive mean spend',
    );
  const { p, q, gamma } = params;
  const x = frequency;
  const m = monetary;
  return (
    logGamma(p * x + q) -
    logGamma(p * x) -
    logGamma(q) +
    q * log(gamma) +
    (p * x - 1) * log(m) +
    p * x * log(x) -
    (p * x + q) * log(x * m + gamma)
  );
}

/**
 * Returning customers reduced to what the likelihood needs: one pattern per distinct
 * (x, m), the Gamma-function terms once per distinct x, and the sums that do not depend on
 * the parameters computed once.
 */
class GroupedSpend {
  frequencies: number[] = [];
  frequencyWeights: number[] = [];
  /** per (x, m) pattern: x, x·m and a weight */
  patternFrequency: number[] = [];
  patternSpend: number[] = [];
  patternWeight: number[] = [];
  customers = 0;
  /** Σ ln m and Σ x (ln m + ln x) over customers */
  sumLogM = 0;
  sumXLogXM = 0;
  meanSpend = 0;

  constructor(customers: Iterable<RepeatSpend>) {
    const byFrequency = new Map<number, number>();
    const patterns = new Map<string, number>();
    let spend = 0;
    for (const customer of customers) {
      if (!hasRepeatSpend(customer)) continue;
      const { frequency: x, monetary: m } = customer;
      if (!Number.isInteger(x) || !Number.isFinite(m))
        throw new RangeError(`Not a repeat spend: x ${x}, m ${m}`);
      this.customers++;
      spend += m;
      this.sumLogM += log(m);
      this.sumXLogXM += x * (log(m) + log(x));
      const f = byFrequency.get(x);
      if (f === undefined) {
        byFrequency.set(x, this.frequencies.length);
        this.frequencies.push(x);
        this.frequencyWeights.push(1);
      } else {
        this.frequencyWeights[f]++;
      }
      const key = `${x},${m}`;
      const pattern = patterns.get(key);
      if (pattern === undefined) {
        patterns.set(key, this.patternWeight.length);
        this.patternFrequency.push(x);
        this.patternSpend.push(x * m);
        this.patternWeight.push(1);
      } else {
        this.patternWeight[pattern]++;
      }
    }
    this.meanSpend = this.customers > 0 ? spend / this.customers : 0;
  }

  /** Mean log-likelihood per customer at θ = ln(p, q, γ), and its gradient in θ when asked. */
  meanLogLikelihood(theta: readonly number[], gradient?: number[]): number {
    const [p, q, gamma] = theta.map(exp);
    const n = this.customers;
    const logGammaQ = logGamma(q);
    const logGammaParam = log(gamma);
    let total = p * this.sumXLogXM - this.sumLogM + n * (q * logGammaParam - logGammaQ);
    let dp = this.sumXLogXM;
    let dq = n * (logGammaParam - (gradient ? digamma(q) : 0));
    let dGamma = (n * q) / gamma;
    for (let f = 0; f < this.frequencies.length; f++) {
      const x = this.frequencies[f];
      const w = this.frequencyWeights[f];
      total += w * (logGamma(p * x + q) - logGamma(p * x));
      if (gradient) {
        const digammaPXQ = digamma(p * x + q);
        dp += w * x * (digammaPXQ - digamma(p * x));
        dq += w * digammaPXQ;
      }
    }
    for (let g = 0; g < this.patternWeight.length; g++) {
      const x = this.patternFrequency[g];
      const w = this.patternWeight[g];
      const shifted = this.patternSpend[g] + gamma;
      const logShifted = log(shifted);
      total -= w * (p * x + q) * logShifted;
      if (gradient) {
        dp -= w * x * logShifted;
        dq -= w * logShifted;
        dGamma -= (w * (p * x + q)) / shifted;
      }
    }
    if (gradient) {
      gradient[0] = (p * dp) / n;
      gradient[1] = (q * dq) / n;
      gradient[2] = (gamma * dGamma) / n;
    }
    return total / n;
  }
}

/**
 * Gamma-Gamma fitted by maximum likelihood (no penalty) on the customers with at least one
 * repeat purchase and a positive mean spend (others are skipped), to the same maximum as
 * lifetimes' GammaGammaFitter. A RangeError when there is no such customer.
 */
export function fitGammaGamma(customers: Iterable<RepeatSpend>): GammaGammaFit {
  const grouped = new GroupedSpend(customers);
  if (grouped.customers === 0) throw new RangeError('No returning customer to fit Gamma-Gamma on');
  // p = 1, q = 2 and γ = the mean spend put the population's mean spend, pγ/(q-1), at the
  // observed one: a start on the amounts' own scale.
  const start = [0, log(2), log(grouped.meanSpend)];
  const maximum = maximise((theta, gradient) => grouped.meanLogLikelihood(theta, gradient), start);
  const [p, q, gamma] = maximum.point.map(exp);
  return {
    params: { p, q, gamma },
    logLikelihood: maximum.value * grouped.customers,
    converged: maximum.gradientNorm < 1e-6 && maximum.point.every((v) => Math.abs(v) < 30),
    customers: grouped.customers,
  };
}

/**
 * The parameters of a fit that can value every customer, or null: it has to have converged and
 * the population's mean spend, pγ/(q-1), has to exist (q > 1). With heavy-tailed amounts it
 * does not, and a customer who has not come back would be expected to spend without bound.
 */
export function spendModel(fit: GammaGammaFit): GammaGammaParams | null {
  return fit.converged && fit.params.q > 1 ? fit.params : null;
}

/**
 * The expected mean amount of a customer's future transactions (Fader and Hardie's note 025,
 * equation 5; lifetimes' conditional_expected_average_profit): p(γ + x m) / (px + q - 1), a
 * blend of their own mean and the population's, pγ/(q-1), which is what it is for x = 0.
 * Undefined (Infinity) when q <= 1 and x = 0: the population mean does not exist.
 */
export function expectedAverageSpend(
  params: GammaGammaParams,
  frequency: number,
  monetary: number,
): number {
  const { p, q, gamma } = params;
  if (!(frequency >= 0)) throw new RangeError(`frequency must be >= 0, not ${frequency}`);
  const x = frequency;
  const m = x > 0 ? monetary : 0;
  const denominator = p * x + q - 1;
  if (denominator <= 0) return Infinity;
  return (p * (gamma + x * m)) / denominator;
}
