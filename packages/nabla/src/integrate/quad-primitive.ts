// Adaptive quadrature as a primitive. Its inputs are the staged integrand's closed-over
// values and the limits; its kernel runs QAGS on concrete values, evaluating a panel's
// nodes in one vmapped call of the staged integrand. Its derivative rules are quads again:
// d/dθ ∫ₐᵇ f(x; θ) dx = ∫ₐᵇ ∂f/∂θ dx (forward: the integrand's JVP; reverse: its VJP with
// the cotangent, one vector-valued integral for every parameter), plus Leibniz's terms
// f(b)·ḃ − f(a)·ȧ. Since the rules bind this primitive again, derivatives of any order work.
import { isFloat } from "../array/index.js";
import { IR, batchByLoop, bind, definePrimitive, np, tree, type Array, type Aval, type Primitive, type Tangent } from "../core/index.js";
import { concrete, concreteValue, jvpIR, runIR, storages, traceFn, vjpIR, vmap } from "../transforms/index.js";
import { onBisectedRange, type Batch } from "./quad-kronrod.js";
import { NonFiniteIntegrand, STATUS, qags, type QagsReport, type Tolerances } from "./quad-qags.js";

export interface QuadParams extends Tolerances {
  op: string;
  /** The integrand, staged: [...consts, x] → its value leaves, then (if `counted`) [nfev, status] of the quads inside it. */
  ir: IR;
  nConsts: number;
  /** The integrand is itself an integral (dblquad, nquad): its last output counts its evaluations. */
  counted: boolean;
}

const SCALAR: Aval = { shape: [], dtype: "float64" };

/** The integrand's value outputs alone (without the inner counts). */
function valueIR(p: QuadParams): IR {
  return p.counted ? new IR([], p.ir.inputs, p.ir.equations, p.ir.outputs.slice(0, -1)) : p.ir;
}

const sizeOf = (a: Aval) => a.shape.reduce((s, d) => s * d, 1);

/** Stages `g` (x → value leaves) as a new integrand; what it closes over becomes its consts. */
export function stageIntegrand(g: (x: Array) => Array[], counted = false): { ir: IR; consts: Array[]; outAvals: Aval[] } {
  const traced = traceFn((x: Array) => g(x), [tree.flatten(0)[1]], [SCALAR]);
  return { ir: traced.ir, consts: traced.consts, outAvals: traced.outAvals.slice(0, counted ? -1 : undefined) };
}

/** ∫ₐᵇ of a staged integrand: its value leaves, then error, nfev and status. */
export function bindQuad(staged: { ir: IR; consts: Array[] }, a: Array, b: Array, p: Omit<QuadParams, "ir" | "nConsts">): Array[] {
  return bind(quadPrimitive, [...staged.consts, a, b], { ...p, ir: staged.ir, nConsts: staged.consts.length });
}

/**
 * The message of a quad, keyed by its status output's data: a string cannot be an
 * output of a primitive, and under jit there is none to give.
 */
const messages = new WeakMap<object, string>();

/** The message of the quad whose status this is, if it ran eagerly (under any derivative); else "". */
export function messageOf(status: Array): string {
  const v = concreteValue(status);
  return v ? (messages.get(v.storage.data) ?? "") : "";
}

function describe(p: QuadParams, rep: QagsReport, toX: (t: number) => number, nfev: number, inner: number): string {
  const err = rep.error.toExponential(2);
  const tol = `epsabs ${p.epsabs}, epsrel ${p.epsrel}`;
  switch (rep.status) {
    case "converged":
      return inner > 0 ? `${p.op}: an inner integral ended with status "${STATUS[inner]}"` : `${p.op}: converged with error estimate ${err} after ${nfev} evaluations`;
    case "limit":
      return `${p.op}: the subdivision limit (${p.limit}) was reached with error estimate ${err} above the tolerance (${tol}); raise limit, or split the range at singular points`;
    case "roundoff":
      return `${p.op}: roundoff error keeps the error estimate (${err}) above the tolerance (${tol}); loosen epsabs or epsrel`;
    case "badIntegrand": {
      const [lo, hi] = rep.where!.map(toX);
      return `${p.op}: the integrand is too irregular near x = ${lo} … ${hi}: bisection reached the resolution of float64 (error estimate ${err})`;
    }
    case "extrapolation":
      return `${p.op}: the extrapolation does not converge (roundoff in the ε-table); the error estimate ${err} may be unreliable`;
    case "divergent":
      return `${p.op}: the integral is probably divergent, or converges too slowly (error estimate ${err})`;
    case "nonFinite":
      return `${p.op}: the integrand is ${rep.nonFinite!.value} at x = ${rep.nonFinite!.x}, so the value is NaN; integrate around the point, or fix f there`;
  }
}

/** The integrand's values at a concrete limit, zero at an infinite one (where an integrable f vanishes). */
function valuesAtLimit(p: QuadParams, consts: readonly Array[], x: Array): Array[] {
  const finite = np.isfinite(x);
  const safe = np.where(finite, x, 0);
  return runIR(valueIR(p), [...consts, safe]).map((v) => np.where(finite, v, 0));
}

export const quadPrimitive: Primitive<QuadParams> = definePrimitive<QuadParams>({
  name: "quad",
  shapeRule(inputs, p) {
    inputs.slice(p.nConsts).forEach((x, i) => {
      if (x.shape.length !== 0 || x.dtype !== "float64") throw new Error(`${p.op}: ${"ab"[i]} must be a float64 scalar, got ${x.dtype}(${x.shape})`);
    });
    const values = (p.counted ? p.ir.outputs.slice(0, -1) : p.ir.outputs).map((v) => ({ shape: v.aval.shape, dtype: v.aval.dtype }));
    return [...values, SCALAR, { shape: [], dtype: "int32" }, { shape: [], dtype: "int32" }];
  },
  impl(inputs, p, outs) {
    const ins = concrete(inputs);
    const consts = ins.slice(0, p.nConsts);
    const [a, b] = ins.slice(p.nConsts).map((x) => x.toFloat64Array()[0]!) as [number, number];
    if (Number.isNaN(a) || Number.isNaN(b)) throw new Error(`${p.op}: the limits must be numbers or ±Infinity, got a = ${a}, b = ${b}`);
    const avals = outs.slice(0, -3);
    const dim = avals.reduce((s, v) => s + sizeOf(v), 0);
    const evaluate = vmap((x: Array) => runIR(p.ir, [...consts, x]));
    let nfev = 0;
    let inner = 0;
    const f: Batch = (xs) => {
      const results = evaluate(np.array(xs)) as Array[];
      const leaves = (p.counted ? results.slice(0, -1) : results).map((l) => l.toFloat64Array());
      if (p.counted) {
        const counts = results[results.length - 1]!.toFloat64Array();
        for (let i = 0; i < xs.length; i++) [nfev, inner] = [nfev + counts[2 * i]!, inner || counts[2 * i + 1]!];
      } else nfev += xs.length;
      const out = new Float64Array(xs.length * dim);
      for (let i = 0, k = 0; i < xs.length; i++) {
        leaves.forEach((l, j) => {
          const size = sizeOf(avals[j]!);
          for (let e = 0; e < size; e++, k++) {
            out[k] = l[i * size + e]!;
            if (!Number.isFinite(out[k])) throw new NonFiniteIntegrand(xs[i]!, out[k]!);
          }
        });
      }
      return out;
    };
    // Integrate upwards; ∫ₐᵇ = −∫ᵦᵃ.
    const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
    const range = onBisectedRange(f, dim, lo, hi);
    const rep: QagsReport = a === b ? { value: new Float64Array(dim), error: 0, status: "converged" } : qags(range, dim, p);
    let status = STATUS.indexOf(rep.status);
    if (status === 0 && inner > 0) status = inner;
    const message = describe(p, rep, range.toX, nfev, inner);
    let offset = 0;
    const values = avals.map((v) => {
      const part = rep.value.slice(offset, (offset += sizeOf(v))).map((x) => sign * x);
      return np.reshape(np.array(part), v.shape);
    });
    const out = storages([...values, np.array(rep.error), np.array(nfev, { dtype: "int32" }), np.array(status, { dtype: "int32" })]);
    messages.set(out[out.length - 1]!.data, message);
    return out;
  },
  jvp(primals, tangents, p) {
    const outs = bind(quadPrimitive, primals, p);
    const n = outs.length - 3;
    const consts = primals.slice(0, p.nConsts);
    const [a, b] = primals.slice(p.nConsts) as [Array, Array];
    const tc = tangents.slice(0, p.nConsts);
    const [ta, tb] = tangents.slice(p.nConsts);
    let dv: Array[] = outs.slice(0, n).map((o) => np.zerosLike(o));
    if (tc.some((t) => t !== null)) {
      // ∫ ∂f/∂θ·θ̇ dx, at the same tolerances; the tangents are closed over, so they are its consts.
      const vir = valueIR(p);
      const staged = stageIntegrand((x) => {
        const [vs, ts] = jvpIR(vir, [...consts, x], [...tc, null], true);
        return ts.map((t, i) => t ?? np.zerosLike(vs[i]!));
      });
      dv = bindQuad(staged, a, b, { ...p, counted: false }).slice(0, n);
    }
    if (tb) dv = valuesAtLimit(p, consts, b).map((v, i) => np.add(dv[i]!, np.mul(v, tb)));
    if (ta) dv = valuesAtLimit(p, consts, a).map((v, i) => np.sub(dv[i]!, np.mul(v, ta)));
    return [outs, [...dv, null, null, null]];
  },
  vjp(cts, inputs, outputs, p, wanted) {
    const n = outputs.length - 3;
    const grads: Tangent[] = inputs.map(() => null);
    if (cts.slice(0, n).every((c) => c === null)) return grads;
    const ct = outputs.slice(0, n).map((o, i) => cts[i] ?? np.zerosLike(o));
    const consts = inputs.slice(0, p.nConsts);
    const [a, b] = inputs.slice(p.nConsts) as [Array, Array];
    const want = consts.map((c, i) => wanted[i]! && isFloat(c.dtype));
    if (want.includes(true)) {
      // One vector-valued integral of x ↦ ḡ·∂f/∂θ(x) for every parameter θ; ḡ is closed over.
      const vir = valueIR(p);
      const staged = stageIntegrand((x) => vjpIR(vir, [...consts, x], ct, [...want, false]).filter((_, i) => want[i]) as Array[]);
      const integrals = bindQuad(staged, a, b, { ...p, counted: false });
      want.forEach((w, i, all) => {
        if (w) grads[i] = integrals[all.slice(0, i).filter(Boolean).length]!;
      });
    }
    // Leibniz: ∂/∂b = f(b), ∂/∂a = −f(a), each contracted with the cotangent.
    const contract = (x: Array) => valuesAtLimit(p, consts, x).reduce((s: Array, v, i) => np.add(s, np.sum(np.mul(v, ct[i]!))), np.array(0));
    if (wanted[p.nConsts]) grads[p.nConsts] = np.neg(contract(a));
    if (wanted[p.nConsts + 1]) grads[p.nConsts + 1] = contract(b);
    return grads;
  },
  // Each example is its own adaptive integration.
  batch: (args, batched, p, size) => batchByLoop(quadPrimitive, args, batched, p, size),
});
