// The regularized incomplete beta function as two primitives, for the CDFs of beta and t:
// betainc(a, b, x) (or its complement, param upper) and betainc_grad (∂I/∂a or ∂I/∂b, what betainc's derivative rules
// bind). Their kernels are betainc-kernel.ts. Derivatives: in x, the beta density (and,
// for betainc_grad, its derivative in a or b), in closed form to any order; in a and b,
// first order only (a second derivative in a or b is an error).
import { Storage, isFloat, sameShape, shapeString } from "../array/index.js";
import { bind1, definePrimitive, np, type Array, type Aval, type Primitive } from "../core/index.js";
import * as special from "../special/index.js";
import { betainc as betaincScalar, betaincGrad } from "./betainc-kernel.js";

type Wrt = { wrt: 0 | 1 };

function shapeRule(name: string) {
  return (inputs: readonly Aval[]): Aval[] => {
    const [a] = inputs;
    if (inputs.length !== 3 || !isFloat(a!.dtype) || inputs.some((i) => i.dtype !== a!.dtype || !sameShape(i.shape, a!.shape))) {
      throw new Error(`${name}: needs three float inputs of one dtype and shape, got ${inputs.map((i) => `${i.dtype}${shapeString(i.shape)}`).join(", ")}`);
    }
    return [{ shape: a!.shape, dtype: a!.dtype }];
  };
}

/** Runs a scalar kernel over three same-shape inputs. */
function map3(f: (a: number, b: number, x: number) => number, [a, b, x]: readonly Storage[]): Storage[] {
  const out = Storage.zeros(a!.dtype, a!.shape);
  for (let i = 0; i < out.size; i++) out.data[i] = f(a!.data[i]!, b!.data[i]!, x!.data[i]!);
  return [out];
}

/** Batching: unbatched inputs get the batch axis by broadcasting (the inputs share one shape). */
function batchRule<P>(prim: Primitive<P>) {
  return (args: readonly Array[], batched: readonly boolean[], params: P, size: number): [Array[], boolean[]] => {
    const shape = [size, ...args[batched.indexOf(true)]!.shape.slice(1)];
    const full = args.map((x, i) => (batched[i] ? x : np.broadcastTo(x, shape)));
    return [[bind1(prim, full, params)], [true]];
  };
}

/** The beta density x^{a−1}(1 − x)^{b−1}/B(a, b) = ∂I/∂x. */
const density = (a: Array, b: Array, x: Array): Array =>
  np.exp(np.sub(np.add(special.xlogy(np.sub(a, 1), x), special.xlog1py(np.sub(b, 1), np.neg(x))), special.betaln(a, b)));

/** ∂I/∂a or ∂I/∂b. */
export const betaincGradP: Primitive<Wrt> = definePrimitive<Wrt>({
  name: "betainc_grad",
  shapeRule: shapeRule("betainc_grad"),
  impl: (inputs, { wrt }) => map3((a, b, x) => betaincGrad(a, b, x, wrt), inputs),
  jvp: (xs, ts, params) => [[bind1(betaincGradP, xs, params)], [tangent(ts, gradPartials(xs, params.wrt))]],
  vjp([ct], xs, _outs, params, wanted) {
    const partials = gradPartials(xs, params.wrt);
    return xs.map((_, i) => (ct && wanted[i] ? np.mul(ct, partials[i]!()) : null));
  },
  batch: (args, batched, params, size) => batchRule(betaincGradP)(args, batched, params, size),
});

/** The partials of ∂I/∂(a or b): only the one in x exists (∂/∂a of the density, or ∂/∂b). */
function gradPartials([a, b, x]: readonly Array[], wrt: 0 | 1): (() => Array)[] {
  const none = () => {
    throw new Error("stats: the second derivative of a beta or t CDF in its shape parameters is not implemented (the first is, and all in x)");
  };
  const psiSum = () => special.digamma(np.add(a!, b!));
  const inX = () =>
    np.mul(density(a!, b!, x!), wrt === 0 ? np.add(np.sub(np.log(x!), special.digamma(a!)), psiSum()) : np.add(np.sub(np.log1p(np.neg(x!)), special.digamma(b!)), psiSum()));
  return [none, none, inX];
}

/** Σ tᵢ·∂ᵢ over the inputs with a tangent (the partials are computed only for those). */
function tangent(ts: readonly (Array | null)[], partials: readonly (() => Array)[]): Array | null {
  let t: Array | null = null;
  ts.forEach((ti, i) => {
    if (ti) t = t ? np.add(t, np.mul(ti, partials[i]!())) : np.mul(ti, partials[i]!());
  });
  return t;
}

/** I_x(a, b), or with `upper` 1 − I_x(a, b). */
export const betaincP: Primitive<{ upper: boolean }> = definePrimitive<{ upper: boolean }>({
  name: "betainc",
  shapeRule: shapeRule("betainc"),
  impl: (inputs, { upper }) => map3((a, b, x) => betaincScalar(a, b, x, upper), inputs),
  jvp: (xs, ts, params) => [[bind1(betaincP, xs, params)], [tangent(ts, betaincPartials(xs, params.upper))]],
  vjp([ct], xs, _outs, params, wanted) {
    const partials = betaincPartials(xs, params.upper);
    return xs.map((_, i) => (ct && wanted[i] ? np.mul(ct, partials[i]!()) : null));
  },
  batch: (args, batched, params, size) => batchRule(betaincP)(args, batched, params, size),
});

/** ∂I/∂a, ∂I/∂b, ∂I/∂x (negated for the upper tail). */
function betaincPartials(xs: readonly Array[], upper: boolean): (() => Array)[] {
  const [a, b, x] = xs;
  const sign = (f: () => Array) => (upper ? () => np.neg(f()) : f);
  return [
    sign(() => bind1(betaincGradP, [...xs], { wrt: 0 })),
    sign(() => bind1(betaincGradP, [...xs], { wrt: 1 })),
    sign(() => density(a!, b!, x!)),
  ];
}

/**
 * I_x(a, b) (or, `upper`, 1 − I_x(a, b)) of arrays of one float dtype that broadcast
 * together (the caller has checked them), for x in [0, 1]; NaN for invalid a, b or x.
 */
export function betainc(a: Array, b: Array, x: Array, upper = false): Array {
  const [A, B, X] = np.broadcastArrays(a, b, x);
  return bind1(betaincP, [A!, B!, X!], { upper });
}
