import { isFloat } from "../array/index.js";
import { np, type Array } from "../core/index.js";
import * as random from "../random/index.js";
import { jvp, ravelPytree, vjp } from "../transforms/index.js";

export interface CheckGradsOptions {
  /** Highest derivative order to check (default 2). */
  order?: number;
  /** Which modes: forward (JVP) and/or reverse (VJP). Default both. */
  modes?: readonly ("fwd" | "rev")[];
  /** Finite-difference step (default 1e-5 for float64, 1e-3 for float32). */
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Seed of the random directions (default 0). */
  seed?: number;
}

type VectorFn = (x: Array) => Array;

/** Central difference of g at x along v. */
function finiteDifference(g: VectorFn, x: Array, v: Array, eps: number): Array {
  return np.div(np.sub(g(np.add(x, np.mul(v, eps))), g(np.sub(x, np.mul(v, eps)))), 2 * eps);
}

function compare(what: string, ad: Array, fd: Array, rtol: number, atol: number, eps: number): void {
  const a = ad.toFloat64Array();
  const f = fd.toFloat64Array();
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i]! - f[i]!);
    const excess = err - (atol + rtol * Math.max(Math.abs(a[i]!), Math.abs(f[i]!)));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `checkGrads: ${what} disagrees with central finite differences (eps=${eps}): at element ${worst} ` +
        `AD gives ${a[worst]}, finite differences ${f[worst]} (|error| ${Math.abs(a[worst]! - f[worst]!).toExponential(2)}, ` +
        `allowed ${(atol + rtol * Math.max(Math.abs(a[worst]!), Math.abs(f[worst]!))).toExponential(2)}: atol=${atol}, rtol=${rtol})`,
    );
  }
}

/**
 * Checks `f`'s derivatives, forward and reverse, up to `order` against central finite
 * differences along random directions, and throws a readable report on a mismatch.
 * Use it for your own `customJvp` / `customVjp` rules. Derivatives of order k are
 * checked as first derivatives of the order-(k−1) derivative maps.
 *
 * @example
 * checkGrads((x) => x.sin().sum(), [np.array([0.1, 0.2])], { order: 2 });
 */
export function checkGrads<P extends unknown[]>(f: (...args: P) => unknown, args: readonly [...P], opts: CheckGradsOptions = {}): void {
  const [x, unravel] = ravelPytree(args);
  if (!isFloat(x.dtype)) throw new Error(`checkGrads: arguments must be floating point, got ${x.dtype}`);
  const single = x.dtype === "float32";
  const eps = opts.eps ?? (single ? 1e-3 : 1e-5);
  const rtol = opts.rtol ?? (single ? 2e-2 : 1e-5);
  const atol = opts.atol ?? (single ? 2e-2 : 1e-6);
  const modes = opts.modes ?? ["fwd", "rev"];
  let key = random.key(opts.seed ?? 0);
  const direction = (shape: readonly number[], dtype: Array["dtype"]) => {
    const [k1, k2] = random.split(key);
    key = k1!;
    return random.normal(k2!, shape, { dtype });
  };
  // unravel gives the arguments' structure with Array leaves, which is what f takes.
  const g0: VectorFn = (v) => ravelPytree(f(...(unravel(v) as P)))[0];

  const check = (g: VectorFn, at: Array, order: number, label: string) => {
    const v = direction(at.shape, at.dtype);
    const fd = finiteDifference(g, at, v, eps);
    const derived: [string, VectorFn][] = [];
    if (modes.includes("fwd")) {
      const [, tangent] = jvp(g, [at], [v]);
      compare(`forward mode (JVP) of ${label}`, tangent, fd, rtol, atol, eps);
      derived.push([`the JVP of ${label}`, (y) => jvp(g, [y], [v])[1]]);
    }
    if (modes.includes("rev")) {
      const [out, pullback] = vjp(g, at);
      const u = direction(out.shape, out.dtype);
      const [ct] = pullback(u);
      // ⟨u, J v⟩ two ways: from the VJP, and from the finite-difference JVP.
      compare(`reverse mode (VJP) of ${label}`, np.sum(np.mul(ct, v)), np.sum(np.mul(u, fd)), rtol, atol, eps);
      derived.push([`the VJP of ${label}`, (y) => vjp(g, y)[1](u)[0]]);
    }
    if (order > 1) for (const [name, h] of derived) check(h, at, order - 1, name);
  };
  check(g0, x, opts.order ?? 2, "f");
}
