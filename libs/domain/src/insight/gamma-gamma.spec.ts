import {
  expectedAverageSpend,
  fitGammaGamma,
  GammaGammaParams,
  gammaGammaLogLikelihood,
  RepeatSpend,
  spendModel,
} from './gamma-gamma';
import { seededRandom, simulateAmounts } from './simulation';

// Reference values from lifetimes' formulas evaluated with scipy.
const cdnowLike: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };

describe('Gamma-Gamma', () => {
  it.each([
    [1, 11.77, -3.737709678740835, 18.916852057842046],
    [2, 22.35, -3.551316759731698, 24.663713910761153],
    [7, 73.74, -6.054867310722329, 71.46967089696709],
    [29, 26.26, -3.5604573876341874, 26.393418120550034],
  ])(
    'a customer with x = %p, m = %p: likelihood and expected spend as lifetimes',
    (x, m, ll, spend) => {
      expect(gammaGammaLogLikelihood(cdnowLike, x, m)).toBeCloseTo(ll, 12);
      expect(expectedAverageSpend(cdnowLike, x, m)).toBeCloseTo(spend, 11);
    },
  );

  it('expects the population’s mean spend of a customer who has not come back', () => {
    expect(expectedAverageSpend(cdnowLike, 0, 0)).toBeCloseTo((6.25 * 15.44) / 2.74, 12);
    expect(expectedAverageSpend({ p: 2, q: 0.8, gamma: 10 }, 0, 0)).toBe(Infinity);
  });

  it('values customers only with a fit that converged and whose population mean spend exists', () => {
    const fit = (q: number, converged = true) => ({
      params: { p: 2, q, gamma: 10 },
      logLikelihood: -1,
      converged,
      customers: 3,
    });
    expect(spendModel(fit(3.74))).toEqual({ p: 2, q: 3.74, gamma: 10 });
    expect(spendModel(fit(1))).toBeNull();
    expect(spendModel(fit(0.8))).toBeNull();
    expect(spendModel(fit(3.74, false))).toBeNull();
  });

  const spends: RepeatSpend[] = [
    [1, 12.5],
    [2, 30.0],
    [1, 8.0],
    [3, 22.0],
    [5, 18.5],
    [1, 45.0],
    [2, 9.9],
    [4, 27.3],
    [1, 15.0],
    [6, 21.0],
    [2, 60.0],
    [1, 10.0],
    [3, 14.2],
  ].map(([frequency, monetary]) => ({ frequency, monetary }));

  it('reaches the maximum an independent optimiser finds, skipping customers without repeat spend', () => {
    const fit = fitGammaGamma([
      ...spends,
      { frequency: 0, monetary: 0 },
      { frequency: 2, monetary: 0 },
    ]);
    const expected = { p: 2.20842824, q: 29.59093908, gamma: 295.35498325 };
    for (const name of ['p', 'q', 'gamma'] as const)
      expect(Math.abs(fit.params[name] / expected[name] - 1)).toBeLessThan(1e-6);
    expect(fit.logLikelihood).toBeCloseTo(-48.64607825290804, 9);
    expect(fit.customers).toBe(13);
    expect(fit.converged).toBe(true);
  });

  it('fits a maximum: moving any parameter either way lowers the likelihood', () => {
    const fit = fitGammaGamma(spends);
    const total = (params: GammaGammaParams) =>
      spends.reduce((sum, s) => sum + gammaGammaLogLikelihood(params, s.frequency, s.monetary), 0);
    for (const name of ['p', 'q', 'gamma'] as const)
      for (const factor of [0.999, 1.001])
        expect(total({ ...fit.params, [name]: fit.params[name] * factor })).toBeLessThan(
          fit.logLikelihood,
        );
  });

  it('recovers the parameters of simulated customers', () => {
    const truth: GammaGammaParams = { p: 6, q: 4, gamma: 15 };
    const random = seededRandom(7);
    const customers = Array.from({ length: 5000 }, () => {
      const frequency = 1 + Math.floor(6 * random());
      const amounts = simulateAmounts(truth, frequency, random);
      return { frequency, monetary: amounts.reduce((a, b) => a + b, 0) / frequency };
    });
    const { params } = fitGammaGamma(customers);
    expect(params.p).toBeGreaterThan(6 * 0.9);
    expect(params.p).toBeLessThan(6 * 1.1);
    expect(params.q).toBeGreaterThan(4 * 0.85);
    expect(params.q).toBeLessThan(4 * 1.15);
    expect(params.gamma).toBeGreaterThan(15 * 0.8);
    expect(params.gamma).toBeLessThan(15 * 1.2);
  });

  it('refuses to fit without a returning customer, and customers the model cannot have', () => {
    expect(() => fitGammaGamma([{ frequency: 0, monetary: 0 }])).toThrow(RangeError);
    expect(() => gammaGammaLogLikelihood(cdnowLike, 0, 10)).toThrow(RangeError);
    expect(() => gammaGammaLogLikelihood(cdnowLike, 2, 0)).toThrow(RangeError);
  });
});
