// The messages between the page and the race worker (plain data: structured clone).

/** The optimizers in the race, in the order they are run and drawn. */
export const RACE_METHODS = ["gd", "momentum", "adam", "newton", "lbfgs"] as const;
/** One of the racing optimizers (a `minimize` method). */
export type RaceMethod = (typeof RACE_METHODS)[number];

/** One race: f's source, the start and the step sizes. */
export interface RaceJob {
  kind: "race";
  source: string;
  x0: [number, number];
  /** Step size of GD and momentum. */
  lr: number;
  /** Adam's step size. */
  adamLr: number;
  /** Iteration budget of the first-order methods (Newton and L-BFGS keep the library's). */
  maxIter: number;
}

/** One optimizer's run, thinned to a bounded path. */
export interface RaceRun {
  method: RaceMethod;
  status: string;
  nit: number;
  x: [number, number];
  fun: number;
  /** The kept iterates: iteration number, point, f and ‖∇f‖∞. */
  path: { nit: number; x: number[]; f: number; gradNorm: number }[];
  seconds: number;
}

/** A critical-point search over the view. */
export interface CriticalJob {
  kind: "critical";
  source: string;
  box: [[number, number], [number, number]];
  starts: number;
}

/** A critical point found: its kind, place, f there and the Hessian's eigenvalues. */
export interface CriticalPoint {
  kind: string;
  x: [number, number];
  value: number;
  eigenvalues: number[];
}

/** The 1-D slice along the segment a → b, and a trained Bézier path between them. */
export interface PathJob {
  kind: "path";
  source: string;
  a: [number, number];
  b: [number, number];
  /** Adam steps of the path's training. */
  steps: number;
}

/** The slice and the trained path, each sampled at the same t. */
export interface PathResult {
  kind: "path";
  /** t ∈ [0, 1], evenly spaced, ends included. */
  ts: number[];
  /** f((1 − t)a + tb). */
  slice: number[];
  /** The trained curve's points and f there, at the same t. */
  curve: [number, number][];
  curveValues: number[];
  /** max f along each minus the higher end's f (≥ 0). */
  lineBarrier: number;
  curveBarrier: number;
}

/** A job for the worker. */
export type WorkerRequest = RaceJob | CriticalJob | PathJob;

/** What the worker sends back: progress while it works, then one result or an error. */
export type WorkerReply =
  | { kind: "progress"; fraction: number; label: string }
  | { kind: "race"; runs: RaceRun[] }
  | { kind: "critical"; points: CriticalPoint[] }
  | PathResult
  | { kind: "error"; message: string };
