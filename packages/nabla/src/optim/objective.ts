// The function being minimized, seen as a map of one flat float64 vector: its value and
// gradient (and Hessian or Hessian-vector products), compiled with jit when f allows it,
// with every evaluation counted.
import { Storage } from "../array/index.js";
import { Array, ConcreteArray, np } from "../core/index.js";
import { hessian, hvp, jit, ravelPytree, valueAndGrad, type GradOf } from "../transforms/index.js";

export function vector(data: Float64Array): Array {
  // A copy, so the optimizer may keep reusing its own buffers.
  return new ConcreteArray(new Storage("float64", [data.length], data.slice()));
}

/**
 * `compiled` until it first throws (f branching on a traced value, say), then `eager`
 * for good. An error eager also throws is f's own and is passed on.
 */
export function withFallback<A extends unknown[], R>(compiled: ((...a: A) => R) | undefined, eager: (...a: A) => R, onFallback: (why: string) => void) {
  let current = compiled ?? eager;
  return (...args: A): R => {
    if (current === eager) return eager(...args);
    try {
      return current(...args);
    } catch (e) {
      const result = eager(...args);
      current = eager;
      onFallback(((e as Error).message ?? String(e)).split("\n")[0]!);
      return result;
    }
  };
}

/** f of parameters like x0: T, as a function of x0's flat vector. */
export class FlatObjective<T> {
  nfev = 0;
  ngev = 0;
  nhev = 0;
  readonly n: number;
  readonly x0: Float64Array;
  /** Why jit was given up, for the result message. */
  jitFallback: string | undefined;
  private readonly unravel: (v: Array) => GradOf<T>;
  private readonly vg: (x: Array) => [Array, Array];
  private readonly hess: (x: Array) => Array;
  private readonly hv: (x: Array, v: Array) => Array;

  constructor(f: (x: GradOf<T>) => unknown, x0: T, useJit: boolean) {
    const [flat, unravel] = ravelPytree(x0);
    if (flat.dtype === "bool") throw new Error("minimize: x0 has bool leaves; the parameters must be numbers");
    if (flat.size === 0) throw new Error("minimize: x0 has no elements");
    this.n = flat.size;
    this.x0 = flat.toFloat64Array();
    this.unravel = unravel;
    const fFlat = (v: Array) => f(unravel(v));
    const eagerVg: (x: Array) => [Array, Array] = valueAndGrad(fFlat);
    const eagerHess: (x: Array) => Array = hessian(fFlat);
    const eagerHv = (x: Array, v: Array) => hvp(fFlat, x, v);
    const fallback = (why: string) => (this.jitFallback ??= why);
    this.vg = withFallback(useJit ? jit(eagerVg) : undefined, eagerVg, fallback);
    this.hess = withFallback(useJit ? jit(eagerHess) : undefined, eagerHess, fallback);
    this.hv = withFallback(useJit ? jit(eagerHv) : undefined, eagerHv, fallback);
  }

  /**
   * f(x) and ∇f(x), counted as one evaluation of each. At large n copies are what cost,
   * so neither vector is copied: the caller must not change x afterwards (every method
   * hands over a fresh iterate), and g is read-only, as it may share memory with x or
   * with a constant of f (the gradient of a linear f).
   */
  valueAndGrad(x: Float64Array): { f: number; g: Float64Array } {
    this.nfev++;
    this.ngev++;
    const [value, g] = this.vg(new ConcreteArray(new Storage("float64", [x.length], x)));
    const data = g instanceof ConcreteArray ? g.storage.data : undefined;
    return { f: np.asArray(value).item(), g: data instanceof Float64Array && data.length === this.n ? data : g.toFloat64Array() };
  }

  /** The n×n Hessian at x. */
  hessian(x: Float64Array): Array {
    this.nhev++;
    return np.astype(this.hess(vector(x)), "float64");
  }

  /** H(x)·v without forming H. */
  hvp(x: Float64Array, v: Float64Array): Float64Array {
    this.nhev++;
    return this.hv(vector(x), vector(v)).toFloat64Array();
  }

  /** A flat vector back in x0's structure. */
  toTree(x: Float64Array): GradOf<T> {
    return this.unravel(vector(x));
  }
}
