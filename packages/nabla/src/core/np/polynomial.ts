// numpy's polynomial functions on coefficient arrays, highest power first: polyval,
// polyfit, polyder, polyint, polyadd, polysub, polymul, and the convolve under polymul.
// (poly1d, roots, poly and polydiv are not here: roots needs eigenvalues, in linalg.)
import { checkAllocation, checkInteger, checkOptions, describe, isFloat, shapeString } from "../../array/index.js";
import type { Array } from "../array.js";
import { arrayArg, checkArrayLike, promotedDtype } from "./args.js";
import type { ArrayLike } from "./convert.js";
import { arange, ones, zeros } from "./creation.js";
import { add, div, mul, sqrt, square, sub } from "./elementwise.js";
import { take } from "./indexing.js";
import { matmul } from "./linalg.js";
import { sum } from "./reductions.js";
import { concatenate, reshape, stack } from "./shape.js";
import { sliceAlong } from "./util.js";

/** A coefficient vector: 1-D (a number is one coefficient), checked. */
function coefficients(op: string, name: string, p: ArrayLike, dtype?: Parameters<typeof arrayArg>[3]): Array {
  const a = arrayArg(op, name, p, dtype);
  if (a.ndim > 1) throw new Error(`${op}: ${name} must be 1-D coefficients, got shape ${shapeString(a.shape)}`);
  return a.ndim === 0 ? reshape(a, [1]) : a;
}

/** Coefficient k of p, as a 0-d Array. */
function coef(p: Array, k: number): Array {
  return reshape(sliceAlong(p, 0, k, k + 1), []);
}

/**
 * The polynomial with coefficients p (highest power first) at x, by Horner's rule in
 * numpy's order (y = y·x + pₖ from y = 0), so values agree with numpy's polyval to the
 * bit. Differentiable in p and x.
 *
 * @example
 * np.polyval(np.array([3, 0, 1]), np.array([5])).toArray(); // [76]
 */
export function polyval(p: ArrayLike, x: ArrayLike): Array {
  const dtype = promotedDtype([checkArrayLike("polyval", "p", p), checkArrayLike("polyval", "x", x)]);
  const c = coefficients("polyval", "p", p, dtype);
  const xa = arrayArg("polyval", "x", x, dtype);
  let y = zeros(xa.shape, { dtype });
  for (let k = 0; k < c.shape[0]!; k++) y = add(mul(y, xa), coef(c, k));
  return y;
}

/**
 * The derivative of order m (default 1) of the polynomial p, as numpy's polyder.
 *
 * @example
 * np.polyder(np.array([1, 1, 1, 1])).toArray(); // [3, 2, 1]
 */
export function polyder(p: ArrayLike, opts: { m?: number } = {}): Array {
  const { m: given } = checkOptions("polyder", opts, ["m"]);
  const m = checkInteger("polyder", "m", given, 1, 0);
  let c = coefficients("polyder", "p", p);
  for (let k = 0; k < m && c.shape[0]! > 0; k++) {
    const n = c.shape[0]! - 1;
    c = mul(sliceAlong(c, 0, 0, n), arange(n, 0, -1, { dtype: isFloat(c.dtype) ? c.dtype : "int32" }));
  }
  return c;
}

/**
 * The integral of order m (default 1) of the polynomial p, as numpy's polyint: each
 * integration divides by the powers and appends its constant from `k` (a number for
 * all, or one per integration; 0 by default). The result is floating.
 *
 * @example
 * np.polyint(np.array([3, 2, 1])).toArray(); // [1, 1, 1, 0]
 */
export function polyint(p: ArrayLike, opts: { m?: number; k?: number | readonly number[] } = {}): Array {
  const o = checkOptions("polyint", opts, ["m", "k"]);
  const m = checkInteger("polyint", "m", o.m, 1, 0);
  let c = coefficients("polyint", "p", p);
  if (!isFloat(c.dtype)) c = arrayArg("polyint", "p", c, "float64");
  checkAllocation("polyint", c.dtype, [c.shape[0]! + m]);
  const ks = o.k === undefined ? [0] : typeof o.k === "number" ? [o.k] : o.k;
  if (!globalThis.Array.isArray(ks) || ks.some((v) => typeof v !== "number")) throw new Error(`polyint: k must be a number or a list of numbers, got ${describe(o.k)}`);
  if (ks.length !== 1 && ks.length < m) throw new Error(`polyint: k must be one number or at least m = ${m} numbers, got ${ks.length}`);
  for (let j = 0; j < m; j++) {
    const n = c.shape[0]!;
    const constant = arrayArg("polyint", "k", ks.length === 1 ? ks[0]! : ks[j]!, c.dtype);
    c = concatenate([div(c, arange(n, 0, -1, { dtype: c.dtype })), reshape(constant, [1])]);
  }
  return c;
}

/** The two coefficient vectors, promoted, the shorter padded with leading zeros. */
function aligned(op: string, a: ArrayLike, b: ArrayLike): [Array, Array] {
  const dtype = promotedDtype([checkArrayLike(op, "a", a), checkArrayLike(op, "b", b)]);
  const [p, q] = [coefficients(op, "a", a, dtype), coefficients(op, "b", b, dtype)];
  const lead = (v: Array, n: number) => (n > 0 ? concatenate([zeros([n], { dtype }), v]) : v);
  const len = Math.max(p.shape[0]!, q.shape[0]!);
  return [lead(p, len - p.shape[0]!), lead(q, len - q.shape[0]!)];
}

/**
 * The sum of two polynomials, as numpy's polyadd.
 *
 * @example
 * np.polyadd(np.array([1, 2]), np.array([9, 5, 4])).toArray(); // [9, 6, 6]
 */
export function polyadd(a: ArrayLike, b: ArrayLike): Array {
  const [p, q] = aligned("polyadd", a, b);
  return add(p, q);
}

/**
 * The difference of two polynomials, as numpy's polysub.
 *
 * @example
 * np.polysub(np.array([2, 10, -2]), np.array([3, 10, -4])).toArray(); // [-1, 0, 2]
 */
export function polysub(a: ArrayLike, b: ArrayLike): Array {
  const [p, q] = aligned("polysub", a, b);
  // As np.sub, which would name itself: bool has no subtraction (numpy: a TypeError).
  if (p.dtype === "bool") throw new Error('polysub: not defined for bool coefficients; use astype("int32") first');
  return sub(p, q);
}

/**
 * The discrete linear convolution of two 1-D arrays, as numpy's convolve: "full" (the
 * default, length n + m − 1), "same" (length max(n, m), centred) or "valid" (only where
 * they overlap fully). Computed as one matrix product; differentiable in both.
 *
 * @example
 * np.convolve(np.array([1, 2, 3]), np.array([0, 1, 0.5])).toArray(); // [0, 1, 2.5, 4, 1.5]
 */
export function convolve(a: ArrayLike, v: ArrayLike, opts: { mode?: "full" | "same" | "valid" } = {}): Array {
  return convolveAs("convolve", a, v, opts);
}

function convolveAs(op: string, a: ArrayLike, v: ArrayLike, opts: unknown): Array {
  const { mode = "full" } = checkOptions(op, opts, ["mode"]);
  if (mode !== "full" && mode !== "same" && mode !== "valid") throw new Error(`${op}: mode must be "full", "same" or "valid", got ${describe(mode)}`);
  const dtype = promotedDtype([checkArrayLike(op, "a", a), checkArrayLike(op, "v", v)]);
  const [p, q] = [coefficients(op, "a", a, dtype), coefficients(op, "v", v, dtype)];
  const [n, m] = [p.shape[0]!, q.shape[0]!];
  if (n === 0 || m === 0) throw new Error(`${op}: the arrays must not be empty`);
  checkAllocation(op, dtype, [n, n + m - 1]);
  // out[k] = Σᵢ pᵢ·q[k−i]: row i of T is q placed at offset i in zeros, i.e. T[i, k] = qz[k − i + n − 1]
  // with qz = q between n − 1 zeros on each side.
  const pad = zeros([n - 1], { dtype });
  const qz = concatenate([pad, q, pad]);
  const rows = arange(n, { dtype: "int32" });
  const shifts = sub(reshape(arange(n + m - 1, { dtype: "int32" }), [1, -1]), reshape(rows, [-1, 1]));
  const full = matmul(p, take(qz, add(shifts, n - 1)));
  const [long, short] = [Math.max(n, m), Math.min(n, m)];
  if (mode === "full") return full;
  if (mode === "same") return sliceAlong(full, 0, Math.floor((short - 1) / 2), Math.floor((short - 1) / 2) + long);
  return sliceAlong(full, 0, short - 1, long);
}

/**
 * The product of two polynomials (their coefficients convolved), as numpy's polymul.
 *
 * @example
 * np.polymul(np.array([1, 2]), np.array([1, 3])).toArray(); // [1, 5, 6]
 */
export function polymul(a: ArrayLike, b: ArrayLike): Array {
  return convolveAs("polymul", a, b, {});
}

/**
 * The least-squares polynomial of degree `deg` through the points (x, y), as numpy's
 * polyfit: coefficients highest power first (one column per column of a 2-D y); `w`
 * weights the residuals (numpy's w, 1/σ for Gaussian errors). Solved by QR (modified
 * Gram–Schmidt on the column-scaled Vandermonde matrix, the right-hand side carried
 * along), built from np ops: differentiable in x, y and w, and batched by vmap. x needs
 * at least deg + 1 distinct values (numpy would warn and return a minimum-norm fit);
 * numpy's rcond, full and cov are not offered.
 *
 * @example
 * np.polyfit(np.array([0, 1, 2, 3]), np.array([1, 3, 5, 7]), 1).toArray(); // [2, 1] (up to rounding)
 */
export function polyfit(x: ArrayLike, y: ArrayLike, deg: number, opts: { w?: ArrayLike } = {}): Array {
  const o = checkOptions("polyfit", opts, ["w"]);
  const d = checkInteger("polyfit", "deg", deg, undefined, 0);
  const given = [x, y, ...(o.w === undefined ? [] : [o.w])].map((v, i) => checkArrayLike("polyfit", ["x", "y", "w"][i]!, v));
  const dt = promotedDtype(given);
  const dtype = isFloat(dt) ? dt : "float64";
  const xa = arrayArg("polyfit", "x", x, dtype);
  let ya = arrayArg("polyfit", "y", y, dtype);
  if (xa.ndim !== 1) throw new Error(`polyfit: x must be 1-D, got shape ${shapeString(xa.shape)}`);
  if (ya.ndim !== 1 && ya.ndim !== 2) throw new Error(`polyfit: y must be 1-D or 2-D, got shape ${shapeString(ya.shape)}`);
  const npts = xa.shape[0]!;
  if (ya.shape[0] !== npts) throw new Error(`polyfit: x has ${npts} points, y ${ya.shape[0]}`);
  if (npts < d + 1) throw new Error(`polyfit: degree ${d} needs at least ${d + 1} points, got ${npts}`);
  const k = d + 1;
  // Vandermonde columns x^d … x^0, each scaled to unit length as numpy does.
  let cols = globalThis.Array.from({ length: k }, (_, j) => (d - j === 0 ? ones([npts], { dtype }) : pow(xa, d - j)));
  if (o.w !== undefined) {
    const w = arrayArg("polyfit", "w", o.w, dtype);
    if (w.ndim !== 1 || w.shape[0] !== npts) throw new Error(`polyfit: w must be 1-D with ${npts} weights, got shape ${shapeString(w.shape)}`);
    cols = cols.map((c) => mul(c, w));
    ya = mul(ya, ya.ndim === 2 ? reshape(w, [-1, 1]) : w);
  }
  const scale = cols.map((c) => sqrt(sum(square(c))));
  cols = cols.map((c, j) => div(c, scale[j]!));
  // Modified Gram–Schmidt on [A | y]: R (upper triangular) and z = Qᵀy, so R·c = z.
  const r: Array[][] = [];
  const z: Array[] = [];
  let rhs = ya;
  const dot = (q: Array, v: Array) => sum(mul(v.ndim === 2 ? reshape(q, [-1, 1]) : q, v), { axis: 0 });
  for (let j = 0; j < k; j++) {
    const rjj = sqrt(sum(square(cols[j]!)));
    const q = div(cols[j]!, rjj);
    r[j] = [];
    r[j]![j] = rjj;
    for (let i = j + 1; i < k; i++) {
      r[j]![i] = sum(mul(q, cols[i]!));
      cols[i] = sub(cols[i]!, mul(r[j]![i]!, q));
    }
    z[j] = dot(q, rhs);
    rhs = sub(rhs, mul(rhs.ndim === 2 ? reshape(q, [-1, 1]) : q, z[j]!));
  }
  const c: Array[] = [];
  for (let j = k - 1; j >= 0; j--) {
    let acc = z[j]!;
    for (let i = j + 1; i < k; i++) acc = sub(acc, mul(r[j]![i]!, c[i]!));
    c[j] = div(acc, r[j]![j]!);
  }
  return stack(c.map((cj, j) => div(cj, scale[j]!)));
}

/** x^e for a positive integer e, by repeated products (exact as numpy's vander for small powers). */
function pow(x: Array, e: number): Array {
  let out = x;
  for (let i = 1; i < e; i++) out = mul(out, x);
  return out;
}

