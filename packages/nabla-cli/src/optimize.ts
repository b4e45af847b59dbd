// One optimizer run of `nabla minimize`, as plain data: what the table, the plot and the
// JSON need. It runs in this thread (in-process use, tests) or in a worker thread, where
// Ctrl-C can reach it (worker.ts); either way through runJob.
import { minimize, np, type Array as Tensor, type MinimizeMethod, type MinimizeResult, type MinimizeStatus } from "nabla";
import { constraintFunctions, type ConstraintText } from "./constraints.js";

/** One kept iterate: its iteration number, x, f and ‖∇f‖∞. */
type PathPoint = NonNullable<MinimizeResult["path"]>[number];

/**
 * The most iterates a run keeps for the table, the plot and the JSON: a longer run keeps
 * an evenly thinned path (every 2^j-th iterate, and the last), so memory stays flat
 * however many iterations it takes.
 */
export const PATH_POINTS = 10_000;

/** The most numbers (coordinates) a path keeps: with many variables, fewer iterates. */
export const PATH_NUMBERS = 1_000_000;

/**
 * How many iterates a run in `n` variables keeps: PATH_POINTS, fewer when that many
 * would hold more than PATH_NUMBERS coordinates (so 10⁵ variables keep 100, not 8 GB),
 * and never fewer than 100 (the table and the curves still need a shape).
 *
 * @example
 * pathPoints(2);   // 10000
 * pathPoints(600); // 1666
 */
export function pathPoints(n: number): number {
  return Math.max(100, Math.min(PATH_POINTS, Math.floor(PATH_NUMBERS / Math.max(1, n))));
}

/** What to run: the expression as text (a worker parses it again), the start, the options. */
export interface MinimizeJob {
  source: string;
  /** The variables in order (so a second parse numbers them the same way). */
  vars: string[];
  method: MinimizeMethod;
  x0: number[];
  /** The box: lower and upper bounds per variable (±Infinity where free). */
  bounds?: [number[], number[]];
  /** --subject-to's constraints as text (parsed again where the job runs). */
  constraints?: ConstraintText[];
  lr?: number;
  maxIter?: number;
  gtol?: number;
}

/** A finished run in plain numbers (it crosses from a worker by structured clone). */
export interface RunRecord {
  method: MinimizeMethod;
  x: number[];
  fun: number;
  grad: number[];
  nit: number;
  nfev: number;
  ngev: number;
  nhev: number;
  status: MinimizeStatus;
  success: boolean;
  message: string;
  /** Constrained methods: one multiplier per constraint (scipy's signs), and the KKT residuals. */
  multipliers?: number[];
  kkt?: { stationarity: number; feasibility: number; complementarity: number };
  /** x0, the iterates (evenly thinned beyond pathPoints(n)) and the last, each with its nit. */
  path: PathPoint[];
  seconds: number;
}

/** Follows a run: `progress` after every iteration; `stop` returning true ends it ("stopped"). */
export interface RunHooks {
  progress?(nit: number, fun: number): void;
  stop?(): boolean;
}

const numbers = (a: Tensor): number[] => Array.from(a.toFloat64Array());

/**
 * Runs `job` on f (its parsed expression) with a bounded path and returns the record.
 * minimize's own refusals ("minimize: …") are thrown as they are.
 *
 * @example
 * const { f } = parseExpr("x^2");
 * runJob(f, { source: "x^2", vars: ["x"], method: "gd", x0: [1], lr: 0.1 }).status; // "converged"
 */
export function runJob(f: (x: Tensor) => Tensor, job: MinimizeJob, hooks: RunHooks = {}): RunRecord {
  const { progress, stop } = hooks;
  const start = performance.now();
  const r = minimize(f, np.array(job.x0, { dtype: "float64" }), {
    method: job.method,
    ...(job.bounds ? { bounds: job.bounds } : {}),
    ...(job.constraints ? { constraints: constraintFunctions(job.constraints, job.vars) } : {}),
    ...(job.lr !== undefined ? { lr: job.lr } : {}),
    ...(job.maxIter !== undefined ? { maxIter: job.maxIter } : {}),
    ...(job.gtol !== undefined ? { gtol: job.gtol } : {}),
    recordPath: pathPoints(job.x0.length),
    ...(progress || stop
      ? {
          callback: ({ nit, fun }) => {
            progress?.(nit, fun);
            return stop?.() === true;
          },
        }
      : {}),
  });
  return {
    method: job.method,
    x: numbers(r.x),
    fun: r.fun,
    grad: numbers(r.grad),
    nit: r.nit,
    nfev: r.nfev,
    ngev: r.ngev,
    nhev: r.nhev,
    status: r.status,
    success: r.success,
    message: r.message,
    ...(r.multipliers ? { multipliers: r.multipliers.map((l) => l.item()), kkt: r.kkt! } : {}),
    path: r.path ?? [],
    seconds: (performance.now() - start) / 1000,
  };
}

/** Where minimize's jobs run. */
export interface Optimizer {
  /** Runs one job (f is the parsed expression; a worker parses job.source instead). */
  run(job: MinimizeJob, f: (x: Tensor) => Tensor, progress?: (nit: number, fun: number) => void): Promise<RunRecord>;
  /** True once Ctrl-C stopped a run: the command then shows what it has and runs nothing more. */
  readonly interrupted: boolean;
}

/**
 * Runs jobs in this thread: nothing can interrupt them (a synchronous loop never lets a
 * signal handler run), which is fine where no one presses Ctrl-C.
 *
 * @example
 * const record = await inThread.run(job, parseExpr(job.source).f);
 */
export const inThread: Optimizer = {
  run: async (job, f, progress) => runJob(f, job, progress ? { progress } : {}),
  interrupted: false,
};
