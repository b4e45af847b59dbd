// Pads, fused: the input's element where the output index falls on the window, else 0.
// In a loop written out by phases (the last index as j·L + r, see Emitter.loops), whether
// an index lands on a window whose step divides L is known when the code is written, so
// the loop body needs no branch for it: the gradient of a strided slice is such a pad.
import type { Shape } from "../../array/index.js";
import type { Var } from "../../core/index.js";
import type { Plan } from "./plan.js";
import { int, lcm } from "./source.js";

/** A loop index j·L + r, of a loop written out by phases r = 0..L−1, j running below `count`. */
export interface Phase {
  readonly j: string;
  readonly L: number;
  readonly r: number;
  readonly count: number;
}

export interface Window {
  readonly start: readonly number[];
  readonly step: readonly number[];
}

/**
 * The input index a pad reads for output index `idx`, and the conditions under which it
 * reads at all; undefined where `idx` is known to miss the window. Indices that are again
 * of the form j·L′ + r′ join `phases`.
 */
export function windowIndex(
  { start, step }: Window, shape: Shape, outShape: Shape, idx: readonly string[], phases: Map<string, Phase>,
): { inner: string[]; conds: string[] } | undefined {
  const conds: string[] = [];
  let missed = false;
  const inner = idx.map((ix, d) => {
    const [first, st, len] = [start[d]!, step[d]!, shape[d]!];
    if (len === outShape[d] && st === 1) return ix; // axis not padded
    const ph = phases.get(ix);
    if (ph && ph.L % st === 0) {
      // ix = j·L + r, so ix − first = j·L + rel: whether it lands on the window is static.
      const rel = ph.r - first;
      if (((rel % st) + st) % st !== 0) missed = true;
      if (rel < 0) conds.push(`${ph.j} >= ${int(Math.ceil(-rel / ph.L))}`);
      if ((ph.count - 1) * ph.L + rel > (len - 1) * st) conds.push(`${ph.j} * ${int(ph.L)} + ${int(rel)} <= ${int((len - 1) * st)}`);
      const L = ph.L / st;
      const q = Math.floor(rel / st);
      const expr = L === 1 ? (q === 0 ? ph.j : `(${ph.j} + ${int(q)})`) : `(${ph.j} * ${int(L)} + ${int(q)})`;
      if (L > 1 && q >= 0 && q < L) phases.set(expr, { j: ph.j, L, r: q, count: ph.count });
      return expr;
    }
    const off = first === 0 ? ix : `(${ix} - ${int(first)})`;
    conds.push(`${off} >= 0`, `${off} < ${int((len - 1) * st + 1)}`);
    const pow2 = (st & (st - 1)) === 0;
    if (st !== 1) conds.push(pow2 ? `(${off} & ${int(st - 1)}) === 0` : `${off} % ${int(st)} === 0`);
    return st === 1 ? off : pow2 ? `(${off} >> ${int(Math.log2(st))})` : `(${off} / ${int(st)})`;
  });
  return missed ? undefined : { inner, conds };
}

/** The phase count for the loop computing `v`: the steps of the pads along its last axis, combined (lcm). */
export function phaseStepOf(plan: Plan, v: Var): number {
  let L = 1;
  const visit = (u: Var) => {
    if (plan.materialized.has(u) && u !== v) return;
    const e = plan.producer.get(u);
    const step = e && plan.steps.get(e);
    const last = u.aval.shape.length - 1;
    if (step?.kind === "window") L = lcm(L, step.step[last] ?? 1);
    if (step?.kind !== "elementwise") return;
    // Follow the inputs whose last axis is this last axis.
    for (const input of e!.inputs) {
      const s = input.aval.shape;
      if (s.length > 0 && s[s.length - 1] === u.aval.shape[last] && s[s.length - 1] !== 1) visit(input);
    }
  };
  visit(v);
  return L <= 8 ? L : 1;
}
