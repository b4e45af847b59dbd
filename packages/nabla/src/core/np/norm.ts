// Vector and matrix norms (numpy.linalg.norm without the singular-value ones).
import { axisList, checkFlag, checkOptions, describe, normalizeAxis } from "../../array/index.js";
import type { Array } from "../array.js";
import { floatArg } from "./args.js";
import { astype, type ArrayLike } from "./convert.js";
import { zeros } from "./creation.js";
import { abs, div, equal, mul, pow, sqrt, square, where } from "./elementwise.js";
import { normScale } from "./normscale.js";
import { max, min, sum } from "./reductions.js";
import { reshape } from "./shape.js";

export interface NormOptions {
  /** Vectors: any p > 0, `Infinity`, `-Infinity`, 0 (count). Matrices: "fro" (or "f"), 1, -1, Infinity, -Infinity. */
  ord?: number | "fro" | "f";
  axis?: number | readonly [number, number] | null;
  keepdims?: boolean;
}

/**
 * (Σ|x|ᵖ)^(1/p) over `axes`, scale-safe as BLAS nrm2: computed as s·(Σ(|x|/s)ᵖ)^(1/p)
 * with s = max|x| over each slice (`normScale`: held constant for derivatives, which are
 * therefore those of the norm, x/‖x‖ for p = 2), so ‖[1e-300]‖ = 1e-300 and
 * ‖[1e300, 1e300]‖ = √2·1e300 instead of 0 and Infinity.
 */
function scaledPNorm(a: Array, axes: readonly number[], p: number, keepdims: boolean | undefined): Array {
  const sumOver = (y: Array) => sum(y, { axis: axes, keepdims: true });
  const root = (y: Array) => (p === 2 ? sqrt(sumOver(square(y))) : pow(sumOver(pow(abs(y), p)), 1 / p));
  let out: Array;
  if (axes.some((ax) => a.shape[ax] === 0)) {
    out = root(a); // an empty slice has no max to scale by; its norm is 0 anyway
  } else {
    const s = normScale(a, axes);
    out = mul(s, root(div(a, s)));
  }
  return keepdims ? out : reshape(out, a.shape.filter((_, i) => !axes.includes(i)));
}

/** The largest element over `axis`, and 0 for an empty slice (numpy's `initial=0` for the ∞- and 1-norms). */
function maxOrZero(y: Array, opts: { axis: number; keepdims: boolean }): Array {
  if (y.shape[opts.axis] !== 0) return max(y, opts);
  return zeros(y.shape.flatMap((d, i) => (i !== opts.axis ? [d] : opts.keepdims ? [1] : [])), { dtype: y.dtype });
}

/**
 * Vector or matrix norm, as numpy.linalg.norm: with no axis and no ord, the 2-norm of
 * the flattened array (any rank); with an ord and no axis, the vector norm of a 1-D array
 * or the matrix norm of a 2-D one; one axis gives vector norms, two axes matrix norms
 * (more is an error). "fro" (or "f") is a matrix norm only. The matrix 2-norm and
 * nuclear norm need singular values and are left to `linalg.norm`.
 *
 * The 2-norm, Frobenius and other p-norms are scale-safe (as BLAS nrm2: the largest
 * magnitude is factored out first), so they neither underflow to 0 nor overflow to
 * Infinity unless the norm itself does. Their derivative is x/‖x‖ for the 2-norm; at
 * x = 0, where the norm has none, it is NaN in both modes (for a derivative defined
 * everywhere, differentiate the squared norm, or √(Σx² + ε)).
 *
 * @example
 * np.norm(np.array([3, 4])).item(); // 5
 * np.norm(np.array([[1, -2], [3, 4]]), { ord: 1 }).item(); // 6
 */
export function norm(x: ArrayLike, opts: NormOptions = {}): Array {
  const a = floatArg("norm", "x", x);
  const given = checkOptions("norm", opts, ["ord", "axis", "keepdims"]);
  const keepdims = checkFlag("norm", "keepdims", given.keepdims, false);
  const ord = given.ord === "f" ? "fro" : given.ord;
  if (ord !== undefined && ord !== "fro" && (typeof ord !== "number" || Number.isNaN(ord))) {
    throw new Error(`norm: ord must be a number or "fro", got ${describe(ord)}`);
  }
  let axis: number | readonly number[];
  if (given.axis === undefined || given.axis === null) {
    if (ord === undefined) return scaledPNorm(a, [...a.shape.keys()], 2, keepdims);
    if (a.ndim === 1) axis = 0;
    else if (a.ndim === 2) axis = [0, 1];
    else if (ord === "fro") throw new Error(`norm: ord 'fro' needs a 2-D array or two axes, got rank ${a.ndim}`);
    else throw new Error(`norm: ord ${ord} needs a 1-D or 2-D array or an axis, got rank ${a.ndim}`);
  } else {
    const list = axisList("norm", given.axis);
    if (list.length !== 1 && list.length !== 2) throw new Error(`norm: axis must be one axis (vector norms) or two (matrix norms), got ${describe(given.axis)}`);
    axis = list.length === 1 ? list[0]! : list;
  }
  if (typeof axis === "number") {
    // Normalized here so a bad axis is reported as norm's, not sum's or max's.
    const o = { axis: normalizeAxis("norm", axis, a.ndim), keepdims };
    const p = ord ?? 2;
    if (p === "fro") throw new Error("norm: ord 'fro' needs two axes (it is a matrix norm)");
    if (p === Infinity) return maxOrZero(abs(a), o);
    if (p === -Infinity) return min(abs(a), o);
    if (p === 0) return sum(astype(where(equal(a, 0), 0, 1), a.dtype), o);
    if (p === 1) return sum(abs(a), o);
    // p = 1 and ±∞ are sums and maxima of |x|: they overflow only when the norm does.
    return scaledPNorm(a, [o.axis], p, keepdims);
  }
  const [r, c] = axis.map((ax) => normalizeAxis("norm", ax, a.ndim)) as [number, number];
  if (r === c) throw new Error(`norm: the two axes must differ, got [${axis.join(",")}]`);
  const rowsThenCols = (inner: number, outer: number, pick: (y: Array, o: { axis: number; keepdims: boolean }) => Array) => {
    const s = sum(abs(a), { axis: inner, keepdims: true });
    const out = pick(s, { axis: outer, keepdims: true });
    return keepdims ? out : reshape(out, a.shape.filter((_, i) => i !== inner && i !== outer));
  };
  switch (ord ?? "fro") {
    case "fro":
      return scaledPNorm(a, [r, c], 2, keepdims);
    case 1:
      return rowsThenCols(r, c, maxOrZero);
    case -1:
      return rowsThenCols(r, c, min);
    case Infinity:
      return rowsThenCols(c, r, maxOrZero);
    case -Infinity:
      return rowsThenCols(c, r, min);
    default:
      throw new Error(`norm: matrix ord ${ord} is not supported here (the 2-norm needs singular values: use linalg)`);
  }
}
