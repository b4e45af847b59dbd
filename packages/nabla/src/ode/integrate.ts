// The eager ODE solver and its replay. integrate runs on concrete values and chooses the
// steps; replay recomputes the states from those steps with the same np arithmetic, so
// when rhs closes over traced values, grad and jvp see "backpropagation through the
// solver's steps" (with the step sizes frozen).
import type { Array } from "../core/index.js";
import { checkMethod, checkOptionsObject, checkRhs, checkSettings, checkTimes, checkY0, type Settings } from "./checks.js";
import { allFinite, errorNorm, fmt, initialStep, PIController } from "./control.js";
import { emitRows, stackRows } from "./dense.js";
import type { MethodSpec } from "./methods.js";
import { Evaluator, type Attempt, type Point } from "./steps.js";
import type { IntegrateOptions, IntegrateResult, OdeMethod, OdeStatus, Rhs, Step } from "./types.js";

export type * from "./types.js";

const EPS = 2 ** -52;

/** One solve in progress: the point reached, the rows and steps so far. */
class Solve {
  readonly ev: Evaluator;
  p: Point;
  readonly rows: Array[];
  next = 1;
  readonly steps: Step[] = [];
  rejected = 0;

  constructor(
    rhs: Rhs,
    y0: Array,
    readonly ts: readonly number[],
    readonly dir: number,
    readonly spec: MethodSpec,
    readonly s: Settings,
    readonly name: OdeMethod,
  ) {
    this.ev = new Evaluator(rhs, y0.shape[0]!);
    this.p = { t: ts[0]!, y: y0 };
    this.rows = [y0];
  }

  /** Accepts the attempt of h: records the step, moves to its end, emits the rows it reaches. */
  take(h: number, a: Attempt): void {
    this.steps.push({ t: this.p.t, h });
    const p0 = this.p;
    const p1: Point = { t: p0.t + h, y: a.y, f: a.f };
    this.next = emitRows(this.ts, this.rows, this.next, p0, p1, h, (theta) => this.spec.interpolate(this.ev, p0, p1, a, h, theta));
    this.p = p1;
  }

  finish(status: OdeStatus, message: string): IntegrateResult {
    const { ev, steps } = this;
    const ys = stackRows(this.rows, this.ts.length, this.ev.n);
    return { ys, steps, stats: { nfev: ev.nfev, njev: ev.njev, accepted: steps.length, rejected: this.rejected }, status, message };
  }

  fail(status: Exclude<OdeStatus, "success">, h: number, note = ""): IntegrateResult {
    const where = `at t = ${fmt(this.p.t)}`;
    const what =
      status === "maxSteps" ? `reached maxSteps = ${this.s.maxSteps} ${where} with step size ${fmt(h)}`
      : status === "stepUnderflow" ? `step size ${fmt(Math.abs(h))} underflowed ${where}`
      : `non-finite values in f or y ${where} with step size ${fmt(h)}`;
    return this.finish(status, `${this.name}: ${what}${note}`);
  }

  succeed(): IntegrateResult {
    return this.finish("success", `${this.name}: reached t = ${fmt(this.ts[this.ts.length - 1]!)} in ${this.steps.length} steps`);
  }

  /** Whether f at the current point is finite (computing it if need be: every step starts with it). */
  slopeIsFinite(): boolean {
    return allFinite(this.ev.slope(this.p).toFloat64Array());
  }

  /** Each interval of ts in max(1, ⌈|Δ|/dt0 − 1e-9⌉) equal steps, the last aimed exactly at its end. */
  fixed(): IntegrateResult {
    const { ts, spec, ev } = this;
    const dt = this.s.dt0!;
    for (let i = 0; i + 1 < ts.length; i++) {
      const span = ts[i + 1]! - ts[i]!;
      const k = Math.max(1, Math.ceil(Math.abs(span) / dt - 1e-9));
      for (let j = 0; j < k; j++) {
        const h = j === k - 1 ? ts[i + 1]! - this.p.t : span / k;
        if (this.steps.length >= this.s.maxSteps) return this.fail("maxSteps", h);
        if (h === 0 || Math.abs(h) < 10 * EPS * Math.abs(this.p.t)) return this.fail("stepUnderflow", h);
        const a = spec.step(ev, this.p, h, false);
        if (!allFinite(a.y.toFloat64Array())) return this.fail("nonFinite", h);
        this.take(h, a);
      }
    }
    return this.succeed();
  }

  /** Steps chosen by the error estimate and the PI controller; only the last is cut to reach the end. */
  adaptive(): IntegrateResult {
    const { ts, dir, spec, ev, s } = this;
    const end = ts[ts.length - 1]!;
    let yData = this.p.y.toFloat64Array();
    if (!allFinite(yData) || !this.slopeIsFinite()) return this.fail("nonFinite", 0);
    const span = Math.abs(end - this.p.t);
    let h = dir * (s.dt0 ?? initialStep(ev, this.p, dir, span, spec.errorOrder, s.rtol, s.atol, s.errorSize));
    const control = new PIController(spec.errorOrder);
    let lastNonFinite = false;
    while (this.next < ts.length) {
      // Reach the end in one step rather than leave a sliver of a step after this one.
      if (dir * (this.p.t + 1.01 * h - end) > 0) h = end - this.p.t;
      const nonFiniteNote = lastNonFinite ? " (the last attempt gave non-finite values)" : "";
      if (this.steps.length + this.rejected >= s.maxSteps) return this.fail("maxSteps", h, nonFiniteNote);
      if (h === 0 || Math.abs(h) < 10 * EPS * Math.abs(this.p.t)) return this.fail(lastNonFinite ? "nonFinite" : "stepUnderflow", h);
      const a = spec.step(ev, this.p, h, true);
      const yNew = a.y.toFloat64Array();
      const err = allFinite(yNew) ? errorNorm(a.err!, yData, yNew, s.atol, s.rtol, s.errorSize) : NaN;
      const { accept, factor } = control.judge(err);
      lastNonFinite = !Number.isFinite(err);
      if (!accept) {
        this.rejected++;
        h *= factor;
        continue;
      }
      this.take(h, a);
      yData = yNew;
      h *= factor;
      // The next step starts with f here; the dense output may have computed it already.
      if ((this.next < ts.length || this.p.f !== undefined) && !this.slopeIsFinite()) return this.fail("nonFinite", h);
    }
    return this.succeed();
  }
}

/**
 * Integrates dy/dt = rhs(y, t) from y0 at ts[0] through every ts[i] (strictly increasing,
 * or strictly decreasing for backward integration), on concrete values.
 *
 * Fixed-step methods split each interval of ts into equal steps of at most dt0. Adaptive
 * and stiff methods choose steps by the error estimate (PI controller, see PIController)
 * and never shorten a step for ts: only the last step is cut to end on ts's last time. A
 * time inside a step gets the method's own dense output, free from its stages: of order
 * 4 for dopri5 (Shampine's, as scipy's RK45), tsit5 (Tsitouras') and the stiff methods
 * rodas5 and rodas5p (stiff-aware), the cubic Hermite interpolant of y and f at the
 * step's ends for bosh3. The stiff methods take ∂f/∂y from jacfwd(rhs) at every step.
 *
 * Failures never throw: the status says "maxSteps", "stepUnderflow" (|h| < 10·ε·|t|) or
 * "nonFinite" (NaN or ±Inf in f or y), the message names t and the step size, and the
 * rows of ys not reached are NaN. Bad input (rhs, y0, ts, the method or an option) is a
 * thrown one-line error prefixed "odeint: ".
 *
 * @example
 * const r = integrate((y) => y.neg(), np.array([1]), [0, 1], { method: "dopri5", rtol: 1e-8, atol: 1e-10, maxSteps: 1000 });
 * r.ys.toArray(); // [[1], [0.36787944...]]; r.status === "success"
 */
export function integrate(rhs: Rhs, y0: Array, ts: readonly number[], opts: IntegrateOptions): IntegrateResult {
  checkRhs(rhs);
  const spec = checkMethod(checkOptionsObject(opts).method);
  const y = checkY0(y0);
  const [times, dir] = checkTimes(ts);
  const settings = checkSettings(opts, spec, y.shape[0]!);
  const solve = new Solve(rhs, y, times, dir, spec, settings, opts.method);
  if (times.length === 1) return solve.succeed();
  return spec.kind === "fixed" ? solve.fixed() : solve.adaptive();
}

/**
 * Recomputes the states at ts from integrate's accepted steps with the same arithmetic
 * (the same ys, bit for bit), in nabla np ops on y only: when rhs closes over traced
 * values, the result is differentiable by grad and jvp through the solver's steps. Step
 * sizes are plain numbers, frozen. Rows past the last step are NaN, as in integrate.
 * Each step starts where the one before ended (steps[j + 1].t === steps[j].t + steps[j].h),
 * so replaying a run of the steps from the state at its first t, with ts from that t to
 * the end of its last step, repeats the full replay's arithmetic there.
 *
 * @example
 * const r = integrate(rhs, y0, ts, opts);
 * const dy = grad((k: Array) => replay((y) => y.mul(k.neg()), y0, ts, r.steps, opts.method).sum())(np.array(1));
 */
export function replay(rhs: Rhs, y0: Array, ts: readonly number[], steps: readonly Step[], method: OdeMethod): Array {
  checkRhs(rhs);
  const spec = checkMethod(method);
  const y = checkY0(y0);
  const [times] = checkTimes(ts);
  const ev = new Evaluator(rhs, y.shape[0]!);
  const rows = [y];
  let p: Point = { t: times[0]!, y };
  let next = 1;
  for (const { t, h } of steps) {
    if (next >= times.length) break;
    if (t !== p.t) p = { t, y: p.y };
    const p0 = p;
    const a = spec.step(ev, p0, h, false);
    const p1: Point = { t: t + h, y: a.y, f: a.f };
    next = emitRows(times, rows, next, p0, p1, h, (theta) => spec.interpolate(ev, p0, p1, a, h, theta));
    p = p1;
  }
  return stackRows(rows, times.length, ev.n);
}
