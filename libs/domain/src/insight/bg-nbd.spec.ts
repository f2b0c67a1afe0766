import {
  BgNbdParams,
  bgNbdLogLikelihood,
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
  RepeatHistory,
} from './bg-nbd';
import { seededRandom, simulateRepeatHistory } from './simulation';

// Reference values from lifetimes' formulas evaluated with scipy (gammaln, hyp2f1).
const cdnowLike: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('BG/NBD', () => {
  it.each([
    // x, t_x, T, log-likelihood, P(alive), E[purchases] in 90 days (weeks), in 39 weeks
    [0, 0, 38.86, -0.5547132764381585, 1, 0.06918885230762674, 0.19509805201125396],
    [2, 30.43, 38.86, -9.45860630706627, 0.726578570080673, 0.45250112476373405, 1.226028174767135],
    [
      1, 1.71, 38.86, -4.469093275032588, 0.2121009853773791, 0.07390008080627433,
      0.20318698707975183,
    ],
    [
      7, 29.43, 38.86, -21.86327627146352, 0.6417563459461072, 1.266198615271853,
      3.3370532748513577,
    ],
    [
      29, 37.71, 38.0, -43.86951405362069, 0.9691295181593396, 7.759710275795393,
      20.052948986498027,
    ],
    [
      1, 0.29, 27.0, -4.125874732741099, 0.22407365188933098, 0.10541567972194332,
      0.2821001434433976,
    ],
  ])(
    'a customer with x = %p, t_x = %p, T = %p: likelihood, P(alive) and expected purchases as lifetimes',
    (x, tx, T, logLikelihood, alive, next90Days, next39Weeks) => {
      expect(bgNbdLogLikelihood(cdnowLike, x, tx, T)).toBeCloseTo(logLikelihood, 12);
      expect(probabilityAlive(cdnowLike, x, tx, T)).toBeCloseTo(alive, 13);
      expect(expectedPurchases(cdnowLike, 90 / 7, x, tx, T)).toBeCloseTo(next90Days, 10);
      expect(expectedPurchases(cdnowLike, 39, x, tx, T)).toBeCloseTo(next39Weeks, 10);
    },
  );

  it('expects nothing in no time, more in more time, and less of a customer likely gone', () => {
    expect(expectedPurchases(cdnowLike, 0, 3, 20, 30)).toBe(0);
    const horizons = [1, 10, 100, 1000].map((t) => expectedPurchases(cdnowLike, t, 3, 20, 30));
    horizons.slice(1).forEach((value, i) => expect(value).toBeGreaterThan(horizons[i]));
    expect(probabilityAlive(cdnowLike, 3, 5, 30)).toBeLessThan(
      probabilityAlive(cdnowLike, 3, 29, 30),
    );
    expect(probabilityAlive(cdnowLike, 200, 1, 3000)).toBeGreaterThanOrEqual(0);
  });

  it('refuses histories the model cannot have', () => {
    expect(() => bgNbdLogLikelihood(cdnowLike, 1.5, 2, 3)).toThrow(RangeError);
    expect(() => bgNbdLogLikelihood(cdnowLike, 2, 5, 3)).toThrow(RangeError);
    expect(() => probabilityAlive(cdnowLike, 0, 1, 3)).toThrow(RangeError);
    expect(() => expectedPurchases(cdnowLike, -1, 1, 1, 3)).toThrow(RangeError);
    expect(() => fitBgNbd([])).toThrow(RangeError);
  });

  const small: RepeatHistory[] = [
    [0, 0, 30],
    [0, 0, 28],
    [0, 0, 25],
    [0, 0, 40],
    [0, 0, 33],
    [0, 0, 12],
    [1, 2, 30],
    [1, 20, 31],
    [2, 10, 29],
    [3, 25, 26],
    [5, 30, 35],
    [1, 5, 40],
    [0, 0, 38],
    [4, 12, 39],
    [2, 3, 22],
    [6, 33, 34],
    [0, 0, 18],
    [1, 1, 9],
    [0, 0, 36],
    [3, 8, 37],
    [8, 36, 38],
    [0, 0, 27],
    [1, 30, 32],
    [2, 21, 24],
    [0, 0, 15],
    [10, 29, 30],
    [0, 0, 39],
    [1, 11, 35],
  ].map(([frequency, recency, age]) => ({ frequency, recency, age }));

  it('reaches the maximum an independent optimiser finds (scipy on the same likelihood)', () => {
    const fit = fitBgNbd(small);
    const expected = { r: 0.48453272, alpha: 5.1377638, a: 0.58932576, b: 2.58456009 };
    for (const name of ['r', 'alpha', 'a', 'b'] as const)
      expect(Math.abs(fit.params[name] / expected[name] - 1)).toBeLessThan(1e-6);
    expect(fit.logLikelihood).toBeCloseTo(-177.119896507672, 9);
    expect(fit.customers).toBe(28);
  });

  it('fits a maximum: moving any parameter either way lowers the likelihood', () => {
    const fit = fitBgNbd(small);
    const total = (params: BgNbdParams) =>
      small.reduce((sum, h) => sum + bgNbdLogLikelihood(params, h.frequency, h.recency, h.age), 0);
    expect(total(fit.params)).toBeCloseTo(fit.logLikelihood, 9);
    for (const name of ['r', 'alpha', 'a', 'b'] as const)
      for (const factor of [0.999, 1.001])
        expect(total({ ...fit.params, [name]: fit.params[name] * factor })).toBeLessThan(
          fit.logLikelihood,
        );
  });

  it('says when the data have no maximum inside: nobody came back', () => {
    expect(fitBgNbd(small).converged).toBe(true);
    const nobodyBack = [10, 20, 30].map((age) => ({ frequency: 0, recency: 0, age }));
    expect(fitBgNbd(nobodyBack).converged).toBe(false);
  });

  it('weighs identical histories as many customers', () => {
    const once = fitBgNbd(small);
    const thrice = fitBgNbd([...small, ...small, ...small]);
    expect(thrice.logLikelihood).toBeCloseTo(3 * once.logLikelihood, 8);
    expect(thrice.params.r).toBeCloseTo(once.params.r, 7);
  });

  it('recovers the parameters of simulated customers', () => {
    const truth: BgNbdParams = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
    const random = seededRandom(20260101);
    const histories = Array.from({ length: 20_000 }, () =>
      simulateRepeatHistory(truth, 27 + 12 * random(), random),
    );
    const fit = fitBgNbd(histories);
    expect(fit.params.r).toBeGreaterThan(0.25 * 0.9);
    expect(fit.params.r).toBeLessThan(0.25 * 1.1);
    expect(fit.params.alpha).toBeGreaterThan(4 * 0.85);
    expect(fit.params.alpha).toBeLessThan(4 * 1.15);
    expect(fit.params.a).toBeGreaterThan(0.8 * 0.75);
    expect(fit.params.a).toBeLessThan(0.8 * 1.25);
    expect(fit.params.b).toBeGreaterThan(2.5 * 0.7);
    expect(fit.params.b).toBeLessThan(2.5 * 1.3);
  });

  it('gives the same parameters, α rescaled, whether time is in days or weeks', () => {
    const inDays = fitBgNbd(small.map((h) => ({ ...h, recency: h.recency * 7, age: h.age * 7 })));
    const inWeeks = fitBgNbd(small);
    expect(inDays.params.alpha / 7).toBeCloseTo(inWeeks.params.alpha, 6);
    expect(inDays.params.b).toBeCloseTo(inWeeks.params.b, 6);
  });
});
