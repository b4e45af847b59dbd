// The Moré–Garbow–Hillstrom unconstrained test problems (J. J. Moré, B. S. Garbow,
// K. E. Hillstrom, "Testing unconstrained optimization software", ACM TOMS 7, 1981),
// numbered as in the paper, plus the extended Rosenbrock function at any even n and a
// small quadratic. Each f is written with `np` ops on a 1-D float64 Array, so it can be
// differentiated, batched and jitted like any other nabla function.
import { Array, np } from "../core/index.js";

/** A stationary point other than the global minimum that methods often stop at. */
export interface LocalMinimum {
  /** The point; ±Infinity where the value is only reached in a limit. */
  x: number[];
  f: number;
  note?: string;
}

/** One test problem: the function, the standard start and the known minimum. */
export interface Problem {
  name: string;
  /** The number of variables. */
  n: number;
  /** The objective, from a 1-D float64 Array of length n to a scalar Array. */
  f: (x: Array) => Array;
  /** The residuals r(x), a 1-D Array with f = Σ rᵢ² (every problem here is a sum of squares). */
  residuals: (x: Array) => Array;
  /** The standard starting point of the MGH paper. */
  x0: number[];
  /** The global minimum value. */
  fmin: number;
  /** A global minimizer, where one is known in closed form or to full precision. */
  xmin?: number[];
  localMinima?: LocalMinimum[];
  note?: string;
}

/**
 * Checks that x is an Array of shape [n]. A list of numbers as x0 reaches f as a list of
 * scalars (a pytree), so that case names the fix.
 */
function checkShape(name: string, x: Array, n: number): void {
  if (!(x instanceof Array)) {
    const what = globalThis.Array.isArray(x) ? `a list of ${(x as unknown[]).length} values (pass x0 as np.array(x0))` : typeof x;
    throw new Error(`${name}: expects x of shape [${n}], got ${what}`);
  }
  if (x.ndim !== 1 || x.shape[0] !== n) throw new Error(`${name}: expects x of shape [${n}], got [${x.shape.join(", ")}]`);
}

/** The n entries of x as 0-d Arrays, after checking x has the problem's shape. */
function parts(name: string, x: Array, n: number): Array[] {
  checkShape(name, x, n);
  return globalThis.Array.from({ length: n }, (_, i) => x.slice(i));
}

// Residual problems are f = Σ rᵢ², summed in the paper's order.
function sumSquares(...rs: Array[]): Array {
  return rs.map((r) => np.square(r)).reduce((a, b) => np.add(a, b));
}

/** f = Σ rᵢ² and the vector r, from the list of residuals at x's entries. */
function squares(name: string, n: number, rs: (parts: Array[]) => Array[]): Pick<Problem, "n" | "f" | "residuals"> {
  return { n, f: (x) => sumSquares(...rs(parts(name, x, n))), residuals: (x) => np.stack(rs(parts(name, x, n))) };
}

/**
 * MGH 1, Rosenbrock: 100(x₂ − x₁²)² + (1 − x₁)².
 *
 * @example
 * problems.rosenbrock.f(np.array(problems.rosenbrock.x0)).item(); // 24.2
 */
export const rosenbrock: Problem = {
  name: "Rosenbrock",
  ...squares("rosenbrock", 2, (x) => {
    const [x1, x2] = x as [Array, Array];
    return [np.mul(10, np.sub(x2, np.square(x1))), np.sub(1, x1)];
  }),
  x0: [-1.2, 1],
  fmin: 0,
  xmin: [1, 1],
};

/**
 * MGH 2, Freudenstein–Roth: r₁ = −13 + x₁ + ((5 − x₂)x₂ − 2)x₂, r₂ = −29 + x₁ + ((x₂ + 1)x₂ − 14)x₂.
 *
 * @example
 * problems.freudensteinRoth.f(np.array([5, 4])).item(); // 0
 */
export const freudensteinRoth: Problem = {
  name: "Freudenstein-Roth",
  ...squares("freudensteinRoth", 2, (x) => {
    const [x1, x2] = x as [Array, Array];
    const r1 = np.add(-13, np.add(x1, np.mul(np.sub(np.mul(np.sub(5, x2), x2), 2), x2)));
    const r2 = np.add(-29, np.add(x1, np.mul(np.sub(np.mul(np.add(x2, 1), x2), 14), x2)));
    return [r1, r2];
  }),
  x0: [0.5, -2],
  fmin: 0,
  xmin: [5, 4],
  localMinima: [
    // MGH give f = 48.9842... at (11.41..., −0.8968...); the digits are a 40-digit Newton solve.
    { x: [11.412778986902094, -0.8968052532744765], f: 48.98425367924002, note: "the usual end from the standard start" },
  ],
};

/**
 * MGH 3, Powell badly scaled: r₁ = 10⁴x₁x₂ − 1, r₂ = e^−x₁ + e^−x₂ − 1.0001.
 *
 * @example
 * problems.powellBadlyScaled.f(np.array([0, 1])).item(); // 1.1352617...
 */
export const powellBadlyScaled: Problem = {
  name: "Powell badly scaled",
  ...squares("powellBadlyScaled", 2, (x) => {
    const [x1, x2] = x as [Array, Array];
    return [np.sub(np.mul(1e4, np.mul(x1, x2)), 1), np.sub(np.add(np.exp(np.neg(x1)), np.exp(np.neg(x2))), 1.0001)];
  }),
  x0: [0, 1],
  fmin: 0,
  // MGH give (1.098...e-5, 9.106...); the digits are a 40-digit Newton solve of r = 0.
  xmin: [1.0981593296998175e-5, 9.106146739866524],
};

/**
 * MGH 4, Brown badly scaled: r = (x₁ − 10⁶, x₂ − 2·10⁻⁶, x₁x₂ − 2).
 *
 * @example
 * problems.brownBadlyScaled.f(np.array([1e6, 2e-6])).item(); // 0
 */
export const brownBadlyScaled: Problem = {
  name: "Brown badly scaled",
  ...squares("brownBadlyScaled", 2, (x) => {
    const [x1, x2] = x as [Array, Array];
    return [np.sub(x1, 1e6), np.sub(x2, 2e-6), np.sub(np.mul(x1, x2), 2)];
  }),
  x0: [1, 1],
  fmin: 0,
  xmin: [1e6, 2e-6],
};

const bealeY = [1.5, 2.25, 2.625];

/**
 * MGH 5, Beale: rᵢ = yᵢ − x₁(1 − x₂ⁱ), y = (1.5, 2.25, 2.625).
 *
 * @example
 * problems.beale.f(np.array([1, 1])).item(); // 14.203125
 */
export const beale: Problem = {
  name: "Beale",
  ...squares("beale", 2, (x) => {
    const [x1, x2] = x as [Array, Array];
    return bealeY.map((y, i) => np.sub(y, np.mul(x1, np.sub(1, np.pow(x2, i + 1)))));
  }),
  x0: [1, 1],
  fmin: 0,
  xmin: [3, 0.5],
};

/**
 * MGH 7, helical valley: r = (10(x₃ − 10θ), 10(√(x₁² + x₂²) − 1), x₃), θ the angle of
 * (x₁, x₂) in turns.
 *
 * @example
 * problems.helicalValley.f(np.array([-1, 0, 0])).item(); // 2500
 */
export const helicalValley: Problem = {
  name: "Helical valley",
  ...squares("helicalValley", 3, (x) => {
    const [x1, x2, x3] = x as [Array, Array, Array];
    // MGH's θ is arctan(x₂/x₁)/2π, plus ½ when x₁ < 0: the angle in (−¼, ¾) turns, smooth
    // across the negative x₁ axis (where the start (−1, 0, 0) sits) and cut along the
    // negative x₂ axis. Plain arctan2(x₂, x₁) would cut through the start; measuring the
    // angle of the point turned by −90° moves the cut to where MGH's is, and also fills
    // in x₁ = 0, x₂ > 0, where the paper's formula divides by zero.
    const theta = np.add(np.div(np.arctan2(np.neg(x1), x2), 2 * Math.PI), 0.25);
    const radius = np.sqrt(np.add(np.square(x1), np.square(x2)));
    return [np.mul(10, np.sub(x3, np.mul(10, theta))), np.mul(10, np.sub(radius, 1)), x3];
  }),
  x0: [-1, 0, 0],
  fmin: 0,
  xmin: [1, 0, 0],
};

// Bard's data: u = i, v = 16 − i, w = min(u, v), for i = 1..15.
const bardI = globalThis.Array.from({ length: 15 }, (_, i) => i + 1);
const bardU = np.array(bardI);
const bardV = np.array(bardI.map((i) => 16 - i));
const bardW = np.array(bardI.map((i) => Math.min(i, 16 - i)));
const bardY = np.array([0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.1, 4.39]);

function bardResiduals(x1: Array, x2: Array, x3: Array): Array {
  return np.sub(bardY, np.add(x1, np.div(bardU, np.add(np.mul(bardV, x2), np.mul(bardW, x3)))));
}

/**
 * MGH 8, Bard: rᵢ = yᵢ − (x₁ + uᵢ / (vᵢx₂ + wᵢx₃)), 15 data points.
 *
 * @example
 * problems.bard.f(np.array([1, 1, 1])).item(); // 41.6816958...
 */
export const bard: Problem = {
  name: "Bard",
  n: 3,
  f: (x) => {
    const [x1, x2, x3] = parts("bard", x, 3) as [Array, Array, Array];
    return np.sum(np.square(bardResiduals(x1, x2, x3)));
  },
  residuals: (x) => bardResiduals(...(parts("bard", x, 3) as [Array, Array, Array])),
  x0: [1, 1, 1],
  // MGH give 8.21487...e-3; the digits are a 40-digit Newton solve of ∇f = 0.
  fmin: 8.214877306578975e-3,
  xmin: [0.08241055974978893, 1.1330360920297216, 2.343695178642537],
  localMinima: [
    {
      // As x₂, x₃ → −∞ the fraction vanishes and f → Σ(yᵢ − x₁)², least at x₁ = mean(y).
      x: [0.8406666666666667, -Infinity, -Infinity],
      f: 17.42869333333333,
      note: "a limit, not a point: f → 17.4286... as x₂, x₃ → −∞ (MGH)",
    },
  ],
};

// Box's data: tᵢ = i/10, i = 1..10, and the coefficient of x₃.
const boxT = np.array(globalThis.Array.from({ length: 10 }, (_, i) => (i + 1) / 10));
const boxC = np.array(globalThis.Array.from({ length: 10 }, (_, i) => Math.exp(-(i + 1) / 10) - Math.exp(-(i + 1))));

function boxResiduals(x1: Array, x2: Array, x3: Array): Array {
  return np.sub(np.sub(np.exp(np.neg(np.mul(boxT, x1))), np.exp(np.neg(np.mul(boxT, x2)))), np.mul(x3, boxC));
}

/**
 * MGH 12, Box three-dimensional with m = 10: rᵢ = e^−tᵢx₁ − e^−tᵢx₂ − x₃(e^−tᵢ − e^−10tᵢ), tᵢ = i/10.
 *
 * @example
 * problems.box3d.f(np.array([1, 10, 1])).item(); // ≈ 0
 */
export const box3d: Problem = {
  name: "Box 3-D",
  n: 3,
  f: (x) => {
    return np.sum(np.square(boxResiduals(...(parts("box3d", x, 3) as [Array, Array, Array]))));
  },
  residuals: (x) => boxResiduals(...(parts("box3d", x, 3) as [Array, Array, Array])),
  x0: [0, 10, 20],
  fmin: 0,
  xmin: [1, 10, 1],
  note: "f = 0 also at (10, 1, −1) and on the line x₁ = x₂, x₃ = 0",
};

/**
 * MGH 13, Powell singular: (x₁ + 10x₂)² + 5(x₃ − x₄)² + (x₂ − 2x₃)⁴ + 10(x₁ − x₄)⁴.
 *
 * @example
 * problems.powellSingular.f(np.array([3, -1, 0, 1])).item(); // 215
 */
export const powellSingular: Problem = {
  name: "Powell singular",
  n: 4,
  f: (x) => {
    const [x1, x2, x3, x4] = parts("powellSingular", x, 4) as [Array, Array, Array, Array];
    // Weights on the squares rather than √5, √10 on the residuals: exact at integer points.
    const terms = [
      np.square(np.add(x1, np.mul(10, x2))),
      np.mul(5, np.square(np.sub(x3, x4))),
      np.square(np.square(np.sub(x2, np.mul(2, x3)))),
      np.mul(10, np.square(np.square(np.sub(x1, x4)))),
    ];
    return terms.reduce((a, b) => np.add(a, b));
  },
  residuals: (x) => {
    const [x1, x2, x3, x4] = parts("powellSingular", x, 4) as [Array, Array, Array, Array];
    const [a, b] = [np.sub(x2, np.mul(2, x3)), np.sub(x1, x4)];
    return np.stack([np.add(x1, np.mul(10, x2)), np.mul(Math.sqrt(5), np.sub(x3, x4)), np.square(a), np.mul(Math.sqrt(10), np.square(b))]);
  },
  x0: [3, -1, 0, 1],
  fmin: 0,
  xmin: [0, 0, 0, 0],
  note: "the Hessian is singular at the minimum, so convergence there is only linear",
};

/**
 * MGH 14, Wood: 100(x₂ − x₁²)² + (1 − x₁)² + 90(x₄ − x₃²)² + (1 − x₃)² + 10(x₂ + x₄ − 2)² + 0.1(x₂ − x₄)².
 *
 * @example
 * problems.wood.f(np.array([-3, -1, -3, -1])).item(); // 19192
 */
export const wood: Problem = {
  name: "Wood",
  n: 4,
  f: (x) => {
    const [x1, x2, x3, x4] = parts("wood", x, 4) as [Array, Array, Array, Array];
    // Weights on the squares rather than √90, √10, 1/√10 on the residuals, as powellSingular.
    const terms = [
      np.mul(100, np.square(np.sub(x2, np.square(x1)))),
      np.square(np.sub(1, x1)),
      np.mul(90, np.square(np.sub(x4, np.square(x3)))),
      np.square(np.sub(1, x3)),
      np.mul(10, np.square(np.sub(np.add(x2, x4), 2))),
      np.mul(0.1, np.square(np.sub(x2, x4))),
    ];
    return terms.reduce((a, b) => np.add(a, b));
  },
  residuals: (x) => {
    const [x1, x2, x3, x4] = parts("wood", x, 4) as [Array, Array, Array, Array];
    return np.stack([
      np.mul(10, np.sub(x2, np.square(x1))),
      np.sub(1, x1),
      np.mul(Math.sqrt(90), np.sub(x4, np.square(x3))),
      np.sub(1, x3),
      np.mul(Math.sqrt(10), np.sub(np.add(x2, x4), 2)),
      np.mul(Math.sqrt(0.1), np.sub(x2, x4)),
    ]);
  },
  x0: [-3, -1, -3, -1],
  fmin: 0,
  xmin: [1, 1, 1, 1],
};

/**
 * The quadratic ½(x₁² + 10x₂²): not an MGH problem, a conditioning-10 sanity check.
 *
 * @example
 * problems.quadratic.f(np.array([1, 1])).item(); // 5.5
 */
export const quadratic: Problem = {
  name: "Quadratic 0.5(x1^2+10x2^2)",
  n: 2,
  f: (x) => {
    parts("quadratic", x, 2);
    return np.sum(np.mul(np.array([0.5, 5]), np.square(x)));
  },
  residuals: (x) => {
    parts("quadratic", x, 2);
    return np.mul(np.array([Math.sqrt(0.5), Math.sqrt(5)]), x);
  },
  // Not standard; (1, 1) reproduces the scipy reference figures for this problem.
  x0: [1, 1],
  fmin: 0,
  xmin: [0, 0],
};

/**
 * MGH 21, extended Rosenbrock at even n, in the paper's pairs form:
 * Σᵢ 100(x₂ᵢ − x₂ᵢ₋₁²)² + (1 − x₂ᵢ₋₁)², from (−1.2, 1, −1.2, 1, ...).
 *
 * @example
 * const p = problems.extendedRosenbrock(1000);
 * p.f(np.array(p.x0)).item(); // 12100
 */
export function extendedRosenbrock(n: number): Problem {
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0) throw new Error(`extendedRosenbrock: n must be a positive even integer, got ${n}`);
  return {
    name: `ExtRosen(MGH,pairs) n=${n}`,
    n,
    f: (x) => {
      checkShape("extendedRosenbrock", x, n);
      // Strided views of the odd and even entries keep this O(n) with no gathers.
      const odd = x.slice([0, null, 2]);
      const even = x.slice([1, null, 2]);
      return np.sum(np.add(np.mul(100, np.square(np.sub(even, np.square(odd)))), np.square(np.sub(1, odd))));
    },
    // The pairs (10(x₂ᵢ − x₂ᵢ₋₁²), 1 − x₂ᵢ₋₁) one after the other.
    residuals: (x) => {
      checkShape("extendedRosenbrock", x, n);
      const [odd, even] = [x.slice([0, null, 2]), x.slice([1, null, 2])];
      return np.reshape(np.stack([np.mul(10, np.sub(even, np.square(odd))), np.sub(1, odd)], { axis: 1 }), [n]);
    },
    x0: globalThis.Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1)),
    fmin: 0,
    xmin: new globalThis.Array<number>(n).fill(1),
  };
}

/**
 * The fixed-size problems, in MGH order, then the quadratic.
 *
 * @example
 * for (const p of problems.all) console.log(p.name, minimize(p.f, np.array(p.x0)).fun, p.fmin);
 */
export const all: Problem[] = [
  rosenbrock,
  freudensteinRoth,
  powellBadlyScaled,
  brownBadlyScaled,
  beale,
  helicalValley,
  bard,
  box3d,
  powellSingular,
  wood,
  quadratic,
];
