// Primitives that solve linear systems: triangular_solve, lu_solve, and slogdet (which
// shares the LU factorization). Rules are written with the primitives themselves, so a
// derivative of a solve is a solve and derivatives of any order work.
import { allocate, broadcastShapes, shapeString, sizeOf, Storage } from "../array/index.js";
import { bind, bind1, definePrimitive, np, type Array, type Aval, type Primitive, alignForBroadcast, unbroadcast } from "../core/index.js";
import { batchOffsets, epsOf, luFactor, luFactorSolve, luSolve, maxAbs, readMatrix, triangularSolveInPlace } from "./kernels.js";
import { eye, mT, squareAval, tril, triu } from "./util.js";

type Tangent = Array | null;

/** Which triangle of a is read, and which system is solved: op(a)·x = b. */
export interface TriangularSolveParams {
  lower: boolean;
  /** Solve aᵀ·x = b instead. */
  transpose: boolean;
  /** Take a's diagonal as ones (it is not read). */
  unitDiagonal: boolean;
  /** The public function to name in errors. */
  caller: string;
}

export interface LuSolveParams {
  transpose: boolean;
  caller: string;
}

/** Shapes of op(a)·x = b: a [..., n, n], b [..., n, k], batch axes broadcast. */
function solveShapes(op: string, a: Aval, b: Aval): Aval[] {
  const n = squareAval(op, a);
  const sb = b.shape;
  if (sb.length < 2 || sb[sb.length - 2] !== n) {
    throw new Error(`${op}: shapes ${shapeString(a.shape)} and ${shapeString(sb)} do not match (b needs ${n} rows)`);
  }
  if (a.dtype !== b.dtype) throw new Error(`${op}: dtypes differ (${a.dtype}, ${b.dtype})`);
  let batch: number[];
  try {
    batch = broadcastShapes(op, a.shape.slice(0, -2), sb.slice(0, -2));
  } catch {
    throw new Error(`${op}: the batch axes of shapes ${shapeString(a.shape)} and ${shapeString(sb)} do not broadcast`);
  }
  return [{ shape: [...batch, n, sb[sb.length - 1]!], dtype: a.dtype }];
}

/** Runs `solveOne(aOffset, B, k)` on each matrix of the broadcast batch. */
function solveEach(a: Storage, b: Storage, out: Aval, solveOne: (aOff: number, B: Float64Array, k: number, index: number) => Float64Array): Storage[] {
  const n = a.shape[a.shape.length - 1]!;
  const k = out.shape[out.shape.length - 1]!;
  const batch = out.shape.slice(0, -2);
  const aOffs = batchOffsets(batch, a.shape.slice(0, -2), n * n);
  const bOffs = batchOffsets(batch, b.shape.slice(0, -2), n * k);
  const data = allocate(out.dtype, sizeOf(out.shape));
  aOffs.forEach((aOff, i) => data.set(solveOne(aOff, readMatrix(b.data, bOffs[i]!, n * k), k, i), i * n * k));
  return [new Storage(out.dtype, out.shape, data)];
}

/** Where a failing matrix is, for errors: the input's shape, and which one of a batch. */
export const located = (shape: readonly number[], index: number, count: number): string =>
  ` [input shape ${shapeString(shape)}${count > 1 ? `, matrix ${index} of the batch` : ""}]`;

/**
 * The rules every solve shares. With x = op(a)⁻¹b: ẋ = op(a)⁻¹(ḃ − op(ȧ)·x); the
 * cotangents are b̄ = op(a)⁻ᵀ·x̄ and ā = −b̄·xᵀ (−x·b̄ᵀ when transposed), restricted to
 * the part of a that is read.
 */
function solveRules<P extends { transpose: boolean }>(prim: () => Primitive<P>, readPart: (t: Array, p: P) => Array) {
  return {
    jvp([a, b]: readonly Array[], [ta, tb]: readonly Tangent[], p: P): [Array[], Tangent[]] {
      const x = bind1(prim(), [a!, b!], p);
      let rhs = tb ?? null;
      if (ta) {
        const opTa = p.transpose ? mT(readPart(ta, p)) : readPart(ta, p);
        const ax = np.matmul(opTa, x);
        rhs = rhs ? np.sub(rhs, ax) : np.neg(ax);
      }
      return [[x], [rhs ? bind1(prim(), [a!, rhs], p) : null]];
    },
    vjp([ct]: readonly Tangent[], [a, b]: readonly Array[], [x]: readonly Array[], p: P, wanted: readonly boolean[]): Tangent[] {
      if (!ct) return [null, null];
      const bbar = bind1(prim(), [a!, ct], { ...p, transpose: !p.transpose });
      const outer = p.transpose ? np.matmul(x!, mT(bbar)) : np.matmul(bbar, mT(x!));
      return [
        wanted[0] ? unbroadcast(np.neg(readPart(outer, p)), a!.shape) : null,
        wanted[1] ? unbroadcast(bbar, b!.shape) : null,
      ];
    },
    batch(args: readonly Array[], batched: readonly boolean[], p: P): [Array[], boolean[]] {
      return [[bind1(prim(), alignForBroadcast(args, batched), p)], [true]];
    },
  };
}

/** The part of a matrix a triangular solve reads. */
function triangle(t: Array, p: TriangularSolveParams): Array {
  const strict = p.unitDiagonal ? 1 : 0;
  return p.lower ? tril(t, -strict) : triu(t, strict);
}

/** op(a)·x = b for triangular a (only its `lower` or upper triangle is read). */
export const triangularSolveP: Primitive<TriangularSolveParams> = definePrimitive<TriangularSolveParams>({
  name: "triangular_solve",
  shapeRule: ([a, b], p) => solveShapes(p.caller, a!, b!),
  impl([a, b], p, [out]) {
    const n = a!.shape[a!.shape.length - 1]!;
    const count = sizeOf(out!.shape.slice(0, -2));
    return solveEach(a!, b!, out!, (off, B, k, index) => {
      if (!p.unitDiagonal) checkDiagonal(a!.data, off, n, p.caller, located(a!.shape, index, count));
      triangularSolveInPlace(a!.data, off, n, B, k, p);
      return B;
    });
  },
  ...solveRules(() => triangularSolveP, triangle),
});

function checkDiagonal(t: Storage["data"], off: number, n: number, caller: string, where: string): void {
  for (let i = 0; i < n; i++) {
    if (t[off + i * n + i] === 0) throw new Error(`${caller}: the triangular matrix is singular (diagonal entry ${i} is zero)${where}`);
  }
}

/**
 * op(a)·x = b by LU with partial pivoting. A pivot with |u_kk| ≤ n·ε·max|a_ij| (ε of the
 * dtype) counts as zero: LU's backward error is of that size, so such a matrix cannot
 * be told from a singular one (and its condition number exceeds about 1/(n²ε)).
 */
export const luSolveP: Primitive<LuSolveParams> = definePrimitive<LuSolveParams>({
  name: "lu_solve",
  shapeRule: ([a, b], p) => solveShapes(p.caller, a!, b!),
  impl([a, b], p, [out]) {
    const n = a!.shape[a!.shape.length - 1]!;
    const count = sizeOf(out!.shape.slice(0, -2));
    // max|a| comes with the factors: where they are made in WebAssembly, it is scanned there.
    const check = (index: number) => (lu: Float64Array, ld: number, maxAbsA: number) =>
      checkPivots(n, lu, ld, n * epsOf(a!.dtype) * maxAbsA, p.caller, located(a!.shape, index, count));
    if (sizeOf(a!.shape.slice(0, -2)) === count) {
      // Each a solved against one b: its factors are used once.
      return solveEach(a!, b!, out!, (off, B, k, index) => luFactorSolve(a!.data, off, n, B, k, p.transpose, check(index)));
    }
    const factors = new Map<number, ReturnType<typeof luFactor>>(); // a broadcast over b is factored once
    return solveEach(a!, b!, out!, (off, B, k, index) => {
      let f = factors.get(off);
      if (!f) {
        f = luFactor(a!.data, off, n);
        check(index)(f.lu, n, maxAbs(a!.data, off, n * n));
        factors.set(off, f);
      }
      return luSolve(f, n, B, k, p.transpose);
    });
  },
  ...solveRules(() => luSolveP, (t) => t),
});

/** Throws if a pivot |u_kk| of the n×n factors (rows ld apart) is at most `limit`. */
function checkPivots(n: number, lu: Float64Array, ld: number, limit: number, caller: string, where: string): void {
  for (let k = 0; k < n; k++) {
    const pivot = Math.abs(lu[k * ld + k]!);
    if (pivot <= limit) {
      throw new Error(
        `${caller}: the matrix is singular: pivot ${k} of its LU factorization is ${pivot.toExponential(2)}, ` +
          `at most n·ε·max|a| = ${limit.toExponential(2)}${where}`,
      );
    }
  }
}

/** a⁻ᵀ, for the derivatives of det and log|det a|; errors name `caller`. */
function inverseTranspose(a: Array, caller: string): Array {
  const n = a.shape[a.ndim - 1]!;
  return bind1(luSolveP, [a, eye(n, a.dtype)], { transpose: true, caller });
}

/** sign and log|det| of the n×n matrix at `a[off..]` from its LU factors; singular: [0, −∞]. */
function logDeterminant(a: Storage["data"], off: number, n: number): [number, number] {
  const { lu, sign } = luFactor(a, off, n);
  let sg = sign;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const u = lu[k * n + k]!;
    sg *= Math.sign(u);
    sum += Math.log(Math.abs(u));
  }
  return [sg, sg === 0 ? -Infinity : sum];
}

/**
 * x·y, but 0 where one factor is 0 and the other overflowed to ±Infinity: the exact
 * product is a finite number times zero there, not ∞·0 = NaN. Elsewhere it is x·y
 * itself, with x·y's derivatives (a zero that is only zero at this point still moves).
 */
function timesKeepingZeros(x: Array, y: Array): Array {
  const overflowed = (v: Array) => np.equal(np.abs(v), Infinity);
  const zeroTimesInfinity = np.logicalOr(np.logicalAnd(np.equal(x, 0), overflowed(y)), np.logicalAnd(np.equal(y, 0), overflowed(x)));
  return np.where(zeroTimesInfinity, 0, np.mul(x, y));
}

/**
 * [sign, log|det a|] from the LU factorization; a singular matrix gives [0, −∞].
 * d log|det a| = tr(a⁻¹·ȧ) = ⟨a⁻ᵀ, ȧ⟩; the sign is piecewise constant (no tangent).
 */
export const slogdetP: Primitive<Record<string, never>> = definePrimitive<Record<string, never>>({
  name: "slogdet",
  shapeRule([a]) {
    squareAval("slogdet", a!);
    const out = { shape: a!.shape.slice(0, -2), dtype: a!.dtype };
    return [out, out];
  },
  impl([a], _p, [out]) {
    const n = a!.shape[a!.shape.length - 1]!;
    const count = sizeOf(out!.shape);
    const sign = allocate(a!.dtype, count);
    const logabs = allocate(a!.dtype, count);
    for (let b = 0; b < count; b++) [sign[b], logabs[b]] = logDeterminant(a!.data, b * n * n, n);
    return [new Storage(a!.dtype, out!.shape, sign), new Storage(a!.dtype, out!.shape, logabs)];
  },
  jvp([a], [ta]) {
    const outs = bind(slogdetP, [a!], {});
    if (!ta) return [outs, [null, null]];
    return [outs, [null, np.sum(np.mul(inverseTranspose(a!, "slogdet"), ta), { axis: [-2, -1] })]];
  },
  vjp([, ct], [a]) {
    if (!ct) return [null];
    return [np.mul(np.reshape(ct, [...ct.shape, 1, 1]), inverseTranspose(a!, "slogdet"))];
  },
  batch: ([a]) => [bind(slogdetP, [a!], {}), [true, true]],
});

/**
 * det a = sign·exp(log|det a|) from the LU factorization (as numpy computes it): ±Infinity
 * or 0 beyond the float range. ḋet = det·⟨a⁻ᵀ, ȧ⟩ and ā = (ct·det)·a⁻ᵀ, with exact zeros
 * kept zero: where det overflows, a zero tangent or a zero entry of a⁻ᵀ must still give
 * 0, not ∞·0 = NaN. (det as an expression in slogdet's outputs could not do that.)
 */
export const detP: Primitive<Record<string, never>> = definePrimitive<Record<string, never>>({
  name: "det",
  shapeRule([a]) {
    squareAval("det", a!);
    return [{ shape: a!.shape.slice(0, -2), dtype: a!.dtype }];
  },
  impl([a], _p, [out]) {
    const n = a!.shape[a!.shape.length - 1]!;
    const count = sizeOf(out!.shape);
    const det = allocate(a!.dtype, count);
    for (let b = 0; b < count; b++) {
      const [sign, logabs] = logDeterminant(a!.data, b * n * n, n);
      det[b] = sign * Math.exp(logabs);
    }
    return [new Storage(a!.dtype, out!.shape, det)];
  },
  jvp([a], [ta]) {
    const det = bind1(detP, [a!], {});
    if (!ta) return [[det], [null]];
    const rate = np.sum(np.mul(inverseTranspose(a!, "det"), ta), { axis: [-2, -1] }); // d log|det|
    return [[det], [timesKeepingZeros(det, rate)]];
  },
  vjp([ct], [a], [det]) {
    if (!ct) return [null];
    const scaled = timesKeepingZeros(ct, det!);
    return [timesKeepingZeros(np.reshape(scaled, [...scaled.shape, 1, 1]), inverseTranspose(a!, "det"))];
  },
  batch: ([a]) => [[bind1(detP, [a!], {})], [true]],
});
