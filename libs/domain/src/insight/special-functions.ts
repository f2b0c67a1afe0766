// Special functions the customer-base models need, in plain double precision. JavaScript has
// no lgamma, digamma or hypergeometric function, and the fits are compared with scipy's, so
// each is accurate to about 1e-14 over the ranges the models use (positive arguments).

// Bound once: a Math.* lookup in a hot loop costs an order of magnitude more in some hosts
// (Jest's sandboxed globals among them) than a call through a module constant.
const { exp, log, log1p } = Math;

const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * log(2 * Math.PI);

/** ln |Γ(x)| (Lanczos, g = 7, n = 9; reflection below 1/2). */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x < 0.5) {
    // Reflection keeps the approximation on its accurate side: Γ(x)Γ(1-x) = π / sin(πx).
    const sine = Math.sin(Math.PI * x);
    if (sine === 0) return Infinity;
    return log(Math.PI / Math.abs(sine)) - logGamma(1 - x);
  }
  const z = x - 1;
  let series = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) series += LANCZOS_COEFFICIENTS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * log(t) - t + log(series);
}

/** ψ(x) = d/dx ln Γ(x) for x > 0: recurrence up to 10, then the asymptotic series. */
export function digamma(x: number): number {
  if (!(x > 0)) return NaN;
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const inverseSquare = 1 / (x * x);
  // Bernoulli terms B2k / (2k x^2k), k = 1..6: the first omitted one is below 1e-15 at x = 10.
  const tail =
    inverseSquare *
    (1 / 12 -
      inverseSquare *
        (1 / 120 -
          inverseSquare *
            (1 / 252 -
              inverseSquare *
                (1 / 240 - inverseSquare * (1 / 132 - inverseSquare * (691 / 32760))))));
  return shift + log(x) - 0.5 / x - tail;
}

/** ln(e^a + e^b) without overflow; either may be -Infinity. */
export function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

const MAX_SERIES_TERMS = 10_000_000;

/**
 * ln of the power series of 2F1(a, b; c; z) for 0 <= z < 1 with a + b <= c. Its term ratio
 * (a+n)(b+n)z / ((c+n)(n+1)) then falls below 1 once and stays there, so the sum stops when
 * the geometric bound on what is left no longer changes it. The sum is rescaled whenever it
 * grows large, so that large parameters do not overflow.
 */
function logSeries(a: number, b: number, c: number, z: number): { log: number; sign: number } {
  let term = 1;
  let sum = 1;
  let logScale = 0;
  for (let n = 0; n < MAX_SERIES_TERMS; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    term *= ratio;
    sum += term;
    if (Math.abs(sum) > 1e250) {
      logScale += log(Math.abs(sum));
      term /= Math.abs(sum);
      sum = Math.sign(sum);
    }
    const shrink = Math.abs(ratio);
    if (
      term === 0 ||
      (shrink < 1 && (Math.abs(term) * shrink) / (1 - shrink) <= 1e-17 * Math.abs(sum))
    )
      break;
  }
  return { log: logScale + log(Math.abs(sum)), sign: Math.sign(sum) };
}

/**
 * ln 2F1(a, b; c; z), the Gauss hypergeometric function, for 0 <= z < 1 and c > 0 (or
 * non-integer), where it is positive. When c - a - b < 0 the series converges slowly near
 * z = 1 with terms growing first; Euler's transformation
 * 2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z) swaps it for one whose terms
 * fall from the start.
 */
export function logHypergeometric2F1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError('z must be in [0, 1)');
  if (z === 0) return 0;
  const excess = c - a - b;
  const result =
    excess < 0
      ? (() => {
          const transformed = logSeries(c - a, c - b, c, z);
          return { log: excess * log1p(-z) + transformed.log, sign: transformed.sign };
        })()
      : logSeries(a, b, c, z);
  if (result.sign <= 0) return NaN;
  return result.log;
}

/** 2F1(a, b; c; z) for 0 <= z < 1 (see logHypergeometric2F1). */
export function hypergeometric2F1(a: number, b: number, c: number, z: number): number {
  return exp(logHypergeometric2F1(a, b, c, z));
}
