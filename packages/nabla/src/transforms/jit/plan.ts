// The first half of compiling: how each equation is written (from its primitive's
// lowering) and which values live in memory. The second half, emit.ts, writes the code.
import { sizeOf, type AxisMap } from "../../array/index.js";
import type { Equation, IR, Runner, Var } from "../../core/index.js";

/** A fused value used twice is recomputed when it costs at most this many ops. */
const RECOMPUTE_LIMIT = 6;

/**
 * An equation's lowering bound to its params and shapes. The first three kinds are fused:
 * computed inside the loops that read them; `reduce` (over trailing axes) is a loop of its
 * own reading its input in place; `call` runs on buffers (a runner, else the kernel).
 */
export type Step =
  | { readonly kind: "elementwise"; expr(args: readonly string[]): string }
  | { readonly kind: "view"; readonly map: AxisMap | undefined }
  | { readonly kind: "window"; readonly start: readonly number[]; readonly step: readonly number[] }
  | { readonly kind: "reduce"; readonly init: string; update(acc: string, x: string): string; readonly kept: number }
  | { readonly kind: "call"; readonly runner?: (compile: (ir: IR) => Runner) => Runner };

export interface Plan {
  readonly steps: ReadonlyMap<Equation, Step>;
  readonly producer: ReadonlyMap<Var, Equation>;
  /** Values held in buffers or locals; any other value is recomputed where it is read. */
  readonly materialized: ReadonlySet<Var>;
  /** Size-1 values that live in JavaScript locals, not buffers. */
  readonly scalars: ReadonlySet<Var>;
}

function stepOf(e: Equation): Step {
  const lower = e.prim.lower;
  const input = e.inputs[0]?.aval;
  const out = e.outputs[0]!.aval;
  switch (lower?.kind) {
    case "elementwise":
      return { kind: "elementwise", expr: (args) => lower.expr(args, e.params, e.inputs.map((v) => v.aval), out) };
    case "view":
      return { kind: "view", map: lower.map(e.params, input!, out) };
    case "window":
      return { kind: "window", ...lower.window(e.params) };
    case "reduce": {
      const axes = lower.axes(e.params, input!);
      const kept = input!.shape.length - axes.length;
      // Only trailing axes: the loop then walks the input in memory order, as the kernel does.
      if (axes.every((a, i) => a === kept + i)) return { kind: "reduce", init: lower.init, update: lower.update, kept };
      break;
    }
    case "runner":
      return { kind: "call", runner: (compile) => lower.runner(e.params, compile) };
  }
  return { kind: "call" };
}

const fused = (s: Step) => s.kind === "elementwise" || s.kind === "view" || s.kind === "window";
/** Reads its inputs element by element inside a loop (a reshape that moves axes' boundaries does not). */
const readsInPlace = (s: Step) => (fused(s) && !(s.kind === "view" && !s.map)) || s.kind === "reduce";

/**
 * Decides what is stored: values not produced by a fused op, and fused results that are
 * outputs, read by an op that needs a buffer, read twice and too costly to recompute
 * (these loops are bound by memory traffic, not arithmetic), or broadcast.
 */
export function planOf(ir: IR): Plan {
  const steps = new Map(ir.equations.map((e) => [e, stepOf(e)]));
  const producer = new Map(ir.equations.flatMap((e) => e.outputs.map((v) => [v, e] as const)));
  const uses = new Map<Var, number>();
  for (const v of [...ir.equations.flatMap((e) => e.inputs), ...ir.outputs]) uses.set(v, (uses.get(v) ?? 0) + 1);

  const needsBuffer = new Set<Var>(ir.outputs);
  const materialized = new Set<Var>([...ir.constVars, ...ir.inputs, ...ir.outputs]);
  for (const [e, step] of steps) {
    if (!fused(step)) e.outputs.forEach((v) => materialized.add(v));
    if (!readsInPlace(step)) e.inputs.forEach((v) => (materialized.add(v), needsBuffer.add(v)));
  }
  const cost = new Map<Var, number>();
  const costOf = (v: Var): number => (materialized.has(v) ? 0 : (cost.get(v) ?? 0));
  for (const [e, step] of steps) {
    if (!fused(step)) continue;
    const v = e.outputs[0]!;
    cost.set(v, (step.kind === "view" ? 0 : 1) + e.inputs.reduce((sum, input) => sum + costOf(input), 0));
    if ((uses.get(v) ?? 0) > 1 && costOf(v) > RECOMPUTE_LIMIT) materialized.add(v);
    // A computed value broadcast to more elements would be recomputed for every copy.
    if (step.kind !== "window") for (const u of e.inputs) if (costOf(u) > 0 && sizeOf(u.aval.shape) < sizeOf(v.aval.shape)) materialized.add(u);
  }
  const scalars = new Set([...ir.constVars, ...producer.keys()].filter((v) => sizeOf(v.aval.shape) === 1 && !needsBuffer.has(v)));
  return { steps, producer, materialized, scalars };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number) => (a * b) / gcd(a, b);

/**
 * The phase count for the loop computing `v`: the steps of the pads along its last axis,
 * combined (lcm), if they divide that axis and are few; else 1.
 */
export function phaseStepOf(plan: Plan, v: Var): number {
  const n = v.aval.shape[v.aval.shape.length - 1] ?? 1;
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
  return L <= 8 && n % L === 0 ? L : 1;
}
