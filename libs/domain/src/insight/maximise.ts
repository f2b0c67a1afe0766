/**
 * A smooth function of a few unconstrained variables to maximise. It returns the value at
 * `point` and, when `gradient` is given, writes its gradient there. A point where the value
 * is not finite counts as worse than any other.
 */
export type Objective = (point: readonly number[], gradient?: number[]) => number;

export interface Maximum {
  point: number[];
  value: number;
  /** Largest absolute component of the gradient at `point`. */
  gradientNorm: number;
  evaluations: number;
}

export interface MaximiseOptions {
  /** Stop once every gradient component is below this (in the objective's units). */
  gradientTolerance?: number;
  maxEvaluations?: number;
}

/**
 * The maximum of a smooth, mostly concave objective from a rough start, to near machine
 * precision:
 * 1. Nelder-Mead from the start finds the basin without trusting the curvature far away;
 * 2. Newton steps with a Hessian differenced from the analytic gradient, damped into an
 *    ascent direction when it is not negative definite, converge quadratically;
 * 3. unless Newton ends on a flat gradient with negative definite curvature (a strict local
 *    maximum), a fresh Nelder-Mead simplex around the result looks for anything higher
 *    nearby (past a saddle or a stalled step), and Newton starts again from what it finds.
 */
export function maximise(
  objective: Objective,
  start: readonly number[],
  options: MaximiseOptions = {},
): Maximum {
  const gradientTolerance = options.gradientTolerance ?? 1e-10;
  const budget = options.maxEvaluations ?? 20_000;
  let evaluations = 0;
  const f: Objective = (point, gradient) => {
    evaluations++;
    const value = objective(point, gradient);
    return Number.isFinite(value) ? value : -Infinity;
  };

  // The first simplex only has to reach the basin; Newton does the rest.
  let best = nelderMead(f, start, 1, 1e-6, Math.min(4000, budget), 1e-2);
  for (let round = 0; round < 5 && evaluations < budget; round++) {
    const polished = newton(f, best.point, gradientTolerance, () => evaluations < budget);
    best = polished;
    // A flat gradient where the curvature is negative definite is a strict local maximum.
    if (polished.converged) break;
    const check = nelderMead(
      f,
      best.point,
      0.05,
      1e-13,
      Math.min(1000, budget - evaluations),
      1e-6,
    );
    if (!(check.value > best.value + 1e-12 * (1 + Math.abs(best.value)))) break;
    best = { point: check.point, value: check.value };
  }
  const gradient = new Array<number>(start.length).fill(0);
  const value = f(best.point, gradient);
  return {
    point: best.point,
    value,
    gradientNorm: Math.max(...gradient.map(Math.abs)),
    evaluations,
  };
}

interface Point {
  point: number[];
  value: number;
}

/**
 * Nelder-Mead (standard coefficients) until the simplex's values agree to `tolerance` and it
 * is smaller than `minSize` across.
 */
export function nelderMead(
  f: Objective,
  start: readonly number[],
  step: number,
  tolerance: number,
  maxEvaluations: number,
  minSize: number,
): Point {
  const n = start.length;
  let evaluations = 0;
  const evaluate = (point: number[]): Point => {
    evaluations++;
    const value = f(point);
    return { point, value: Number.isFinite(value) ? value : -Infinity };
  };
  const simplex: Point[] = [evaluate([...start])];
  for (let i = 0; i < n; i++) {
    const vertex = [...start];
    vertex[i] += step;
    simplex.push(evaluate(vertex));
  }
  while (evaluations < maxEvaluations) {
    simplex.sort((p, q) => q.value - p.value);
    const bestValue = simplex[0].value;
    const worst = simplex[n];
    const spread = bestValue - worst.value;
    if (Number.isFinite(spread) && spread <= tolerance * (1 + Math.abs(bestValue))) {
      // Values agree; make sure the simplex is small too, or a flat ridge stops it early.
      const size = Math.max(
        ...simplex
          .slice(1)
          .map((p) => Math.max(...p.point.map((v, i) => Math.abs(v - simplex[0].point[i])))),
      );
      if (size < minSize) break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] += simplex[k].point[i] / n;
    const along = (t: number) => centroid.map((c, i) => c + t * (worst.point[i] - c));
    const reflected = evaluate(along(-1));
    if (reflected.value > simplex[0].value) {
      const expanded = evaluate(along(-2));
      simplex[n] = expanded.value > reflected.value ? expanded : reflected;
    } else if (reflected.value > simplex[n - 1].value) {
      simplex[n] = reflected;
    } else {
      const outside = reflected.value > worst.value;
      const contracted = evaluate(along(outside ? -0.5 : 0.5));
      if (contracted.value > (outside ? reflected.value : worst.value)) {
        simplex[n] = contracted;
      } else {
        for (let k = 1; k <= n; k++) {
          simplex[k] = evaluate(
            simplex[k].point.map((v, i) => simplex[0].point[i] + 0.5 * (v - simplex[0].point[i])),
          );
        }
      }
    }
  }
  simplex.sort((p, q) => q.value - p.value);
  return simplex[0];
}

interface NewtonResult extends Point {
  /** The gradient fell below the tolerance where the Hessian is negative definite. */
  converged: boolean;
}

const largest = (vector: readonly number[]) => Math.max(...vector.map(Math.abs));

/**
 * Newton's method on the analytic gradient with a forward-differenced Hessian. Each step
 * solves (λI - H) d = g, with λ = 0 when -H is positive definite and otherwise raised until
 * it is, then backtracks until the value rises. So close to the top that rounding hides any
 * rise, a step that keeps the value (to rounding) and shrinks the gradient is taken too.
 */
function newton(
  f: Objective,
  start: number[],
  tolerance: number,
  more: () => boolean,
): NewtonResult {
  const n = start.length;
  let point = [...start];
  let gradient = new Array<number>(n).fill(0);
  let value = f(point, gradient);
  let concave = false;
  for (let iteration = 0; iteration < 100 && more(); iteration++) {
    const hessian = differencedHessian(f, point, gradient);
    const scale = Math.max(1e-12, ...hessian.map((row, i) => Math.abs(row[i])));
    let lambda = 0;
    let direction: number[] | undefined;
    while (!direction && lambda < 1e12 * scale) {
      const negated = hessian.map((row, i) => row.map((h, j) => (i === j ? lambda - h : -h)));
      direction = choleskySolve(negated, gradient);
      if (!direction) lambda = lambda === 0 ? 1e-8 * scale : lambda * 10;
    }
    concave = lambda === 0 && direction !== undefined;
    if (largest(gradient) < tolerance || !direction) break;
    const noise = 1e-13 * (1 + Math.abs(value));
    let moved = false;
    for (let t = 1; t > 1e-10; t /= 2) {
      const candidate = point.map((v, i) => v + t * direction[i]);
      const candidateGradient = new Array<number>(n).fill(0);
      const candidateValue = f(candidate, candidateGradient);
      if (
        candidateValue > value ||
        (candidateValue >= value - noise && largest(candidateGradient) < largest(gradient))
      ) {
        point = candidate;
        gradient = candidateGradient;
        value = Math.max(value, candidateValue);
        moved = true;
        break;
      }
    }
    if (!moved) break;
  }
  return { point, value, converged: concave && largest(gradient) < tolerance };
}

function differencedHessian(f: Objective, point: number[], gradient: number[]): number[][] {
  const n = point.length;
  const hessian: number[][] = [];
  for (let j = 0; j < n; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(point[j]));
    const shifted = [...point];
    shifted[j] += h;
    const shiftedGradient = new Array<number>(n).fill(0);
    f(shifted, shiftedGradient);
    hessian.push(shiftedGradient.map((g, i) => (g - gradient[i]) / h));
  }
  // Differencing leaves it slightly asymmetric; the symmetric part is the estimate.
  return hessian.map((row, i) => row.map((h, j) => (h + hessian[j][i]) / 2));
}

/** x with A x = b for symmetric positive definite A, or undefined when A is not. */
function choleskySolve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(sum > 0)) return undefined;
        l[i][i] = Math.sqrt(sum);
      } else {
        l[i][j] = sum / l[j][j];
      }
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i][k] * y[k];
    y[i] = sum / l[i][i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < n; k++) sum -= l[k][i] * x[k];
    x[i] = sum / l[i][i];
  }
  return x.every(Number.isFinite) ? x : undefined;
}
