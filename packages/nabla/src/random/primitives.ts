// The random primitives: raw bits and uniform draws (array/kernels/random.ts's Threefry),
// and the samplers that need rejection loops, one kernel each (gamma, poisson, randint;
// element i draws from its own key, the i-th of split(key, n)). Samples depend on the key
// only through integer bits: no derivative flows to it. Gamma samples are differentiable
// in their shape parameter (implicit reparameterization); the others are integers.
// Batching loops over the batch (batchByLoop): the kernels are loops already.
import { type Array, bind1, np, definePrimitive, type Aval, type Primitive, batchByLoop } from "../core/index.js";
import { isFloat, randomBitsStorage, randomUniformStorage, shapeString, type DType, type Shape, randomGammaStorage, randomPoissonStorage, randomRandintStorage } from "../array/index.js";
import * as special from "../special/index.js";
import { jvp } from "../transforms/index.js";

function checkKey(op: string, key: Aval): void {
  if (key.dtype !== "int32" || key.shape.length !== 1 || key.shape[0] !== 2) {
    throw new Error(`${op}: a key is an int32 array of shape (2,) from random.key, got ${key.dtype}${shapeString(key.shape)}`);
  }
}

/** Raw threefry bits of `shape` from one key (int32 bit patterns). */
export const randomBits: Primitive<{ shape: Shape }> = definePrimitive({
  name: "random_bits",
  shapeRule([key], { shape }) {
    checkKey("random.bits", key!);
    return [{ shape, dtype: "int32" }];
  },
  impl([key], { shape }) {
    return [randomBitsStorage(key!, shape)];
  },
  jvp: ([key], _t, params) => [[bind1(randomBits, [key!], params)], [null]],
  vjp: () => [null],
  batch: (args, batched, params, size) => batchByLoop(randomBits, args, batched, params, size),
});

/** Uniform samples in [0, 1) of `shape` from one key. */
export const randomUniform: Primitive<{ shape: Shape; dtype: DType }> = definePrimitive({
  name: "random_uniform",
  shapeRule([key], { shape, dtype }) {
    checkKey("random.uniform", key!);
    if (dtype !== "float64" && dtype !== "float32") throw new Error(`random.uniform: dtype must be float, got ${dtype}`);
    return [{ shape, dtype }];
  },
  impl([key], { shape, dtype }) {
    return [randomUniformStorage(key!, shape, dtype)];
  },
  jvp: ([key], _t, params) => [[bind1(randomUniform, [key!], params)], [null]],
  vjp: () => [null],
  batch: (args, batched, params, size) => batchByLoop(randomUniform, args, batched, params, size),
});

/** The shape rule of a sampler of one sample per element of its float parameters. */
function perElement(op: string, [key, ...ps]: readonly Aval[], out: (dtype: DType) => DType): Aval[] {
  checkKey(op, key!);
  const first = ps[0]!;
  for (const p of ps) {
    if (!isFloat(p.dtype) || p.dtype !== first.dtype || shapeString(p.shape) !== shapeString(first.shape)) {
      throw new Error(`${op}: parameters must be floats of one dtype and shape, got ${ps.map((q) => `${q.dtype}${shapeString(q.shape)}`).join(", ")}`);
    }
  }
  return [{ shape: first.shape, dtype: out(first.dtype) }];
}

/**
 * d log x/da of a Gamma(a, 1) sample x held at its CDF value: implicit reparameterization
 * (Figurnov, Mohamed and Mnih, "Implicit reparameterization gradients", NeurIPS 2018):
 * dx/da = −(∂P/∂a)/(∂P/∂x) with P(a, x) the regularized incomplete gamma function, so
 * d log x/da = −(∂P/∂a)/(x·p(x)) with x·p(x) = xᵃe⁻ˣ/Γ(a). Where x is so small that this
 * quotient is 0/0 in floating point (x < 1e−100, or xᵃ underflowing), P's leading term
 * xᵃ/Γ(a + 1) gives it in closed form, −(log x − ψ(a + 1))/a, exact there to O(x).
 */
export function gammaSampleLogGrad(a: Array, logx: Array): Array {
  const small = np.logicalOr(np.less(logx, -230), np.less(np.mul(a, logx), -700));
  const lx = np.where(small, 0, logx);
  const x = np.exp(lx);
  const dPda = jvp((b: Array) => special.gammainc(b, x), [a], [np.onesLike(a)])[1];
  const general = np.neg(np.div(dPda, np.exp(np.sub(np.sub(np.mul(a, lx), x), special.lgamma(a)))));
  const ls = np.where(small, logx, -1000);
  const asymptotic = np.neg(np.div(np.sub(ls, special.digamma(np.add(a, 1))), a));
  return np.where(small, asymptotic, general);
}

/**
 * Gamma(a, 1) samples (or, with `log`, their logarithms) from one key, one per element of
 * a. Differentiable in a by implicit reparameterization ({@link gammaSampleLogGrad}); a
 * second derivative in a needs ∂²P/∂a², which special.gammainc does not implement.
 */
export const randomGamma: Primitive<{ log: boolean }> = definePrimitive({
  name: "random_gamma",
  shapeRule: (inputs, { log }) => perElement(log ? "random.loggamma" : "random.gamma", inputs, (dt) => dt),
  impl: ([key, a], { log }) => [randomGammaStorage(key!, a!, log)],
  jvp([key, a], [, ta], params) {
    const out = bind1(randomGamma, [key!, a!], params);
    return [[out], [ta ? np.mul(ta, gammaSampleGrad(a!, out, params.log)) : null]];
  },
  vjp: ([ct], [, a], [out], params, wanted) => [null, ct && wanted[1] ? np.mul(ct, gammaSampleGrad(a!, out!, params.log)) : null],
  batch: (args, batched, params, size) => batchByLoop(randomGamma, args, batched, params, size),
});

/** d(sample)/da for a linear or a log-space gamma sample. */
function gammaSampleGrad(a: Array, out: Array, log: boolean): Array {
  return log ? gammaSampleLogGrad(a, out) : np.mul(out, gammaSampleLogGrad(a, np.log(out)));
}

/** Poisson counts (int32) from one key, one per element of the rate. */
export const randomPoisson: Primitive<Record<string, never>> = definePrimitive({
  name: "random_poisson",
  shapeRule: (inputs) => perElement("random.poisson", inputs, () => "int32"),
  impl: ([key, lam]) => [randomPoissonStorage(key!, lam!)],
  jvp: (xs, _t, params) => [[bind1(randomPoisson, xs, params)], [null]],
  vjp: () => [null, null],
  batch: (args, batched, params, size) => batchByLoop(randomPoisson, args, batched, params, size),
});

/** Unbiased uniform integers in [lo, hi) (int32) from one key, one per element of lo and hi (float64). */
export const randomRandint: Primitive<Record<string, never>> = definePrimitive({
  name: "random_randint",
  shapeRule: (inputs) => perElement("random.randint", inputs, () => "int32"),
  impl: ([key, lo, hi]) => [randomRandintStorage(key!, lo!, hi!)],
  jvp: (xs, _t, params) => [[bind1(randomRandint, xs, params)], [null]],
  vjp: () => [null, null, null],
  batch: (args, batched, params, size) => batchByLoop(randomRandint, args, batched, params, size),
});
