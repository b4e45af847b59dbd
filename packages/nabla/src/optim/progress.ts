// The bookkeeping every method shares: the current iterate, the stopping tests, the path,
// the callback, and a line search along a direction with its evaluations counted.
import { project, projectedGradNorm, type Box } from "./bounds.js";
import { lineSearchBacktracking, lineSearchStrongWolfe, type LineSearchResult } from "./linesearch.js";
import { PathRecorder, pathLimit } from "./path.js";
import type { FlatObjective } from "./objective.js";
import type { LineSearchKind, MinimizeOptions, MinimizeStatus, PathPoint } from "./types.js";
import { addScaled, distInf, dot, normInf } from "./vec.js";

/** Why a run ended, ready for the result record. */
export interface Outcome {
  status: MinimizeStatus;
  success: boolean;
  message: string;
}

/** The options after defaults, as the methods read them. */
export interface Settings extends Required<Pick<MinimizeOptions, "gtol" | "ftol" | "xtol" | "maxIter" | "maxEval" | "m" | "b1" | "b2" | "eps" | "trustRadius">> {
  lr: number | undefined;
  lineSearch: LineSearchKind;
  schedule: MinimizeOptions["schedule"];
  // Any iterate type: the methods see flat vectors, and minimize checked the callback's type.
  callback: MinimizeOptions<any>["callback"];
  recordPath: MinimizeOptions["recordPath"];
  /** "lbfgsb"'s box: iterates stay in it, and the projected gradient replaces ∇f in the tests. */
  bounds: Box | undefined;
}

/** Limits of one line search beyond the trial step (see `Progress.search`). */
export interface SearchLimits {
  /** The largest step (the edge of the box along d); a point there with enough decrease is taken. */
  alphaMax?: number;
  /** The sufficient-decrease constant (default 1e-4). */
  c1?: number;
  /** Strong Wolfe only: φ's rounding level, below which the derivative judges decrease (see `LineSearchOptions.fNoise`). */
  fNoise?: number;
}

/** A point reached by a line search, with what was evaluated there. */
export interface Step {
  alpha: number;
  x: Float64Array;
  f: number;
  g: Float64Array;
}

const fmt = (v: number) => v.toExponential(2);

export class Progress {
  x: Float64Array;
  f = NaN;
  g: Float64Array;
  gradNorm = NaN;
  nit = 0;
  private readonly recorder: PathRecorder | undefined;
  /**
   * Trial-point buffers free to overwrite: those of steps a line search rejected and
   * iterates a method handed back (see `recycle`). At large n a fresh vector per trial
   * costs more than filling it, as the engine zeroes and maps its pages.
   */
  private readonly spare: Float64Array[] = [];
  /** The buffers `search` handed out and not yet got back: the only ones `recycle` takes (never x0). */
  private readonly made = new WeakSet<Float64Array>();

  /** The recorded iterates (bounded and evenly thinned; see PathRecorder), when asked for. */
  get path(): PathPoint[] | undefined {
    return this.recorder?.points;
  }

  constructor(
    readonly objective: FlatObjective<any>,
    readonly settings: Settings,
  ) {
    // A start outside the box is projected onto it first, as scipy does.
    this.x = settings.bounds ? project(objective.x0, settings.bounds, new Float64Array(objective.n)) : objective.x0;
    this.g = new Float64Array(objective.n);
    const limit = pathLimit(settings.recordPath);
    this.recorder = limit === undefined ? undefined : new PathRecorder(limit);
  }

  /** Evaluates f at x0; an outcome when there is nothing more to do. */
  start(): Outcome | undefined {
    const { f, g } = this.objective.valueAndGrad(this.x);
    this.f = f;
    this.g = g;
    this.gradNorm = this.measure(this.x, g);
    this.record();
    // A finite ‖g‖∞ says every element of g is finite.
    if (!Number.isFinite(f) || !Number.isFinite(this.gradNorm)) return this.nonFinite("at the starting point x0");
    if (this.gradNorm <= this.settings.gtol) return this.converged();
    if (this.settings.maxIter === 0) return this.end("maxIter", false, "maxIter = 0: no iterations were asked for");
    return undefined;
  }

  /** Moves to a new iterate and applies every stopping test; an outcome ends the run. */
  accept(x: Float64Array, f: number, g: Float64Array): Outcome | undefined {
    const s = this.settings;
    // The last finite iterate is the one worth returning; a finite ‖g‖∞ says all of g is.
    const gradNorm = this.measure(x, g);
    if (!Number.isFinite(f) || !Number.isFinite(gradNorm)) return this.nonFinite(`at iteration ${this.nit + 1}`);
    const fPrev = this.f;
    const step = distInf(x, this.x);
    this.x = x;
    this.f = f;
    this.g = g;
    this.gradNorm = gradNorm;
    this.nit++;
    this.record();
    // The callback sees every iteration, the last one too; its stop request ranks below
    // the convergence tests.
    const stopRequested = s.callback?.({ nit: this.nit, x: this.objective.toTree(x), fun: f, gradNorm: this.gradNorm }) === true;
    if (this.gradNorm <= s.gtol) return this.converged();
    const df = Math.abs(fPrev - f);
    if (s.ftol > 0 && df <= s.ftol * Math.max(Math.abs(f), Math.abs(fPrev), 1)) {
      return this.end("stalled", true, `f changed by ${fmt(df)}, within ftol = ${s.ftol} (relative); ${this.gradName} = ${fmt(this.gradNorm)}`);
    }
    if (s.xtol > 0 && step <= s.xtol * (1 + normInf(x))) {
      return this.end("stalled", true, `x moved by ${fmt(step)}, within xtol = ${s.xtol} (relative); ${this.gradName} = ${fmt(this.gradNorm)}`);
    }
    if (step === 0) {
      return this.end("stalled", false, `the step no longer changes x (below floating-point resolution) while ${this.gradName} = ${fmt(this.gradNorm)} > gtol = ${s.gtol}`);
    }
    if (stopRequested) return this.end("stopped", false, `the callback asked to stop at iteration ${this.nit}`);
    if (this.nit >= s.maxIter) return this.end("maxIter", false, `reached maxIter = ${s.maxIter} with ${this.gradName} = ${fmt(this.gradNorm)} > gtol = ${s.gtol}`);
    if (this.objective.nfev >= s.maxEval) return this.outOfEvaluations();
    return undefined;
  }

  /**
   * Searches along `d` from the current x with the configured rule, starting from the
   * trial step `alpha0`; the point found, or the outcome of a failure. `slope` is ∇f(x)ᵀd,
   * for a method that formed it along with d (one pass less at large n).
   */
  search(d: Float64Array, alpha0: number, c2 = 0.9, kind: LineSearchKind = this.settings.lineSearch, slope?: number, limits: SearchLimits = {}): Step | Outcome {
    const budget = this.settings.maxEval - this.objective.nfev;
    if (budget <= 0) return this.outOfEvaluations();
    const tried = new Map<number, Step>();
    const phi = (alpha: number) => {
      const x = addScaled(this.x, alpha, d, this.take());
      // Within the box by construction up to rounding, which the projection removes: a
      // point a hair outside would never count as at its bound.
      if (this.settings.bounds) project(x, this.settings.bounds, x);
      const { f, g } = this.objective.valueAndGrad(x);
      tried.set(alpha, { alpha, x, f, g });
      return [f, dot(g, d)] as const;
    };
    if (kind === "none") {
      phi(alpha0);
      return tried.get(alpha0)!;
    }
    const dphi0 = slope ?? dot(this.g, d);
    const opts = { alpha0, c2, maxEval: Math.min(30, budget), ...limits, acceptAtMax: limits.alphaMax !== undefined };
    const ls = kind === "backtracking" ? lineSearchBacktracking(phi, this.f, dphi0, opts) : lineSearchStrongWolfe(phi, this.f, dphi0, opts);
    const found = ls.success ? tried.get(ls.alpha)! : undefined;
    // Nothing refers to a rejected trial point any more: the objective keeps no input, and
    // a gradient that shares its memory (f = ½‖x‖², say) is rejected with it.
    for (const step of tried.values()) if (step !== found) this.release(step.x);
    return found ?? this.searchFailed(ls);
  }

  /**
   * Hands back a former iterate the method no longer reads, so a later trial point can
   * reuse its memory. Only buffers `search` made are taken; call it after `accept` has
   * moved on, and only if nothing else (the previous gradient included, which may share
   * x's memory) will be read from that iterate again.
   */
  recycle(x: Float64Array): void {
    if (x !== this.x && this.made.has(x)) this.release(x);
  }

  /**
   * x itself, or with bounds its projection onto the box (in place): where a fixed-step
   * method's step lands.
   *
   * @example
   * const x = p.inBox(step); // then p.objective.valueAndGrad(x)
   */
  inBox(x: Float64Array): Float64Array {
    return this.settings.bounds ? project(x, this.settings.bounds, x) : x;
  }

  /** What `gradNorm` measures, as messages name it. */
  private get gradName(): string {
    return this.settings.bounds ? "‖P(x − ∇f) − x‖∞ (projected gradient)" : "‖∇f‖∞";
  }

  /** ‖∇f‖∞, or with bounds the projected gradient's ‖P(x − g) − x‖∞ (NaN if g is not finite). */
  private measure(x: Float64Array, g: Float64Array): number {
    return this.settings.bounds ? projectedGradNorm(x, g, this.settings.bounds) : normInf(g);
  }

  private take(): Float64Array {
    const x = this.spare.pop() ?? new Float64Array(this.objective.n);
    this.made.add(x);
    return x;
  }

  private release(x: Float64Array): void {
    this.made.delete(x);
    this.spare.push(x);
  }

  private searchFailed(ls: LineSearchResult): Outcome {
    if (ls.status === "nonFinite") return this.nonFinite(`at every trial step of the line search in iteration ${this.nit + 1}`);
    if ((ls.status === "maxEval" || ls.status === "stillDecreasing") && this.objective.nfev >= this.settings.maxEval) return this.outOfEvaluations();
    if (ls.status === "stillDecreasing") {
      return this.end("lineSearchFailed", false, `f kept falling at each of the ${ls.nfev} trial steps of the line search in iteration ${this.nit + 1} as the step doubled: f may be unbounded below; ${this.gradName} = ${fmt(this.gradNorm)}`);
    }
    return this.end("lineSearchFailed", false, `the line search found no acceptable step in iteration ${this.nit + 1} (${ls.status} after ${ls.nfev} evaluations); ${this.gradName} = ${fmt(this.gradNorm)}`);
  }

  end(status: MinimizeStatus, success: boolean, message: string): Outcome {
    return { status, success, message };
  }

  private converged(): Outcome {
    return this.end("converged", true, `${this.gradName} = ${fmt(this.gradNorm)} ≤ gtol = ${this.settings.gtol} after ${this.nit} iteration${this.nit === 1 ? "" : "s"}`);
  }

  private nonFinite(where: string): Outcome {
    return this.end("nonFinite", false, `f or its gradient is NaN or infinite ${where}; x is the last finite iterate`);
  }

  private outOfEvaluations(): Outcome {
    return this.end("maxEval", false, `reached maxEval = ${this.settings.maxEval} evaluations with ${this.gradName} = ${fmt(this.gradNorm)} > gtol = ${this.settings.gtol}`);
  }

  private record(): void {
    this.recorder?.record(this.nit, this.x, this.f, this.gradNorm);
  }
}

/** Tells a line search's failure from the point it found. */
export function isOutcome(r: Step | Outcome): r is Outcome {
  return "status" in r;
}
