import {
  digamma,
  hypergeometric2F1,
  logGamma,
  logHypergeometric2F1,
  logSumExp,
} from './special-functions';

// Reference values from scipy.special (gammaln, digamma, hyp2f1).
describe('special functions', () => {
  it.each([
    [0.001, 6.907178885383853, -1000.5755719318103],
    [0.243, 1.3180435846996699, -4.351093864423211],
    [0.5, 0.5723649429247, -1.9635100260214235],
    [1, 0, -0.5772156649015329],
    [1.5, -0.12078223763524526, 0.03648997397857652],
    [2, 0, 0.42278433509846713],
    [2.5, 0.2846828704729192, 0.7031566406452432],
    [3.7, 1.428072326665388, 1.1671535393615113],
    [10, 12.801827480081469, 2.251752589066721],
    [33.3, 82.60372358165493, 3.490467238520243],
    [171.5, 709.1431630309283, 5.141664981434],
    [1234.5, 7550.550901077894, 7.1180162318279985],
    [1e6, 12815504.569147611, 13.81551005796419],
  ])('ln Γ(%p) and ψ(%p) agree with scipy to ~1e-14', (x, lnGamma, psi) => {
    expect(Math.abs(logGamma(x) - lnGamma)).toBeLessThanOrEqual(
      1e-14 * Math.max(1, Math.abs(lnGamma)),
    );
    expect(Math.abs(digamma(x) - psi)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(psi)));
  });

  it('ln Γ of whole numbers is ln of the factorial, and ψ is its derivative', () => {
    let factorial = 1;
    for (let n = 1; n <= 20; n++) {
      factorial *= n;
      expect(logGamma(n + 1)).toBeCloseTo(Math.log(factorial), 12);
    }
    const h = 1e-5;
    for (const x of [0.3, 2.4, 17]) {
      expect(digamma(x)).toBeCloseTo((logGamma(x + h) - logGamma(x - h)) / (2 * h), 8);
    }
  });

  it.each([
    [0.5, 1.5, 2.5, 0.3, 1.1080625510569324],
    [2.24, 4.4, 4.2, 0.25, 1.9676201284798907],
    [1, 1, 2, 0.9, 2.5584278811044943],
    [10.24, 12.4, 12.2, 0.2, 10.206773849371796],
    [0.243, 2.426, 2.219, 0.75, 1.4714099936389178],
    [3.2, 3.4, 2.2, 0.95, 805111.012212038],
    [50.2, 52.4, 52.2, 0.6, 1.1327841842329384e20],
  ])('2F1(%p, %p; %p; %p) agrees with scipy to ~1e-12', (a, b, c, z, expected) => {
    expect(Math.abs(hypergeometric2F1(a, b, c, z) / expected - 1)).toBeLessThan(1e-12);
  });

  it('2F1(1, 1; 2; z) is -ln(1 - z) / z right up to z near 1', () => {
    for (const z of [1e-6, 0.5, 0.99, 0.999]) {
      expect(logHypergeometric2F1(1, 1, 2, z)).toBeCloseTo(Math.log(-Math.log1p(-z) / z), 11);
    }
    expect(logHypergeometric2F1(3, 4, 5, 0)).toBe(0);
    expect(() => logHypergeometric2F1(1, 1, 2, 1)).toThrow(RangeError);
  });

  it('adds exponentials in logs without overflow', () => {
    expect(logSumExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logSumExp(-Infinity, 3)).toBe(3);
    expect(logSumExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
  });
});
