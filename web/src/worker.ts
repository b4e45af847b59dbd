// Long work off the main thread: the optimizer race and the critical-point search. The
// worker parses f again from its text (functions do not cross to a worker). Cancelling
// terminates the worker (see jobs.ts): a synchronous run cannot be interrupted otherwise.
import { landscape, minimize, np, random } from "nabla";
import { parseExpr } from "../../packages/nabla-cli/src/expr.js";
import { VARS } from "./fn.js";
import { RACE_METHODS, type CriticalJob, type CriticalPoint, type PathJob, type PathResult, type RaceJob, type RaceRun, type WorkerReply, type WorkerRequest } from "./race-types.js";

/** The most iterates kept per run for drawing and animation. */
const PATH_POINTS = 400;

/** The least time between two progress messages, ms. */
const PROGRESS_MS = 50;

const FIRST_ORDER: readonly string[] = ["gd", "momentum", "adam"];

const post = (reply: WorkerReply) => self.postMessage(reply);

function race(job: RaceJob): RaceRun[] {
  const { f } = parseExpr(job.source, { vars: VARS });
  const runs: RaceRun[] = [];
  RACE_METHODS.forEach((method, k) => {
    const firstOrder = FIRST_ORDER.includes(method);
    const budget = firstOrder ? job.maxIter : 1000;
    const start = performance.now();
    let last = start;
    const r = minimize(f, np.array(job.x0), {
      method,
      ...(firstOrder ? { lr: method === "adam" ? job.adamLr : job.lr, maxIter: job.maxIter } : {}),
      recordPath: PATH_POINTS,
      callback: ({ nit }) => {
        // A message every 50 ms at most: enough for the bar, few enough to stay cheap.
        const now = performance.now();
        if (now - last >= PROGRESS_MS) {
          last = now;
          post({ kind: "progress", fraction: (k + Math.min(1, nit / budget)) / RACE_METHODS.length, label: `${method}: iteration ${nit}` });
        }
      },
    });
    const x = r.x.toFloat64Array();
    runs.push({ method, status: r.status, nit: r.nit, x: [x[0]!, x[1]!], fun: r.fun, path: r.path ?? [], seconds: (performance.now() - start) / 1000 });
    post({ kind: "progress", fraction: (k + 1) / RACE_METHODS.length, label: `${method} done` });
  });
  return runs;
}

function critical(job: CriticalJob): WorkerReply {
  const { f } = parseExpr(job.source, { vars: VARS });
  post({ kind: "progress", fraction: 0.1, label: `Newton from ${job.starts} starts` });
  const r = landscape.findCriticalPoints(f, { box: job.box, starts: job.starts, key: random.key(0) });
  const points = r.points.map((p): CriticalPoint => ({ kind: p.kind, x: [p.x[0]!, p.x[1]!], value: p.value, eigenvalues: p.eigenvalues }));
  return { kind: "critical", points };
}

/** How many t the slice and the path are reported at. */
const PATH_T = 101;

function path(job: PathJob): PathResult {
  const { f } = parseExpr(job.source, { vars: VARS });
  const [a, b] = [np.array(job.a), np.array(job.b)];
  post({ kind: "progress", fraction: 0.05, label: "the slice along the segment" });
  const line = landscape.interpolate(f, a, b, { points: PATH_T });
  post({ kind: "progress", fraction: 0.2, label: `training the Bézier path (${job.steps} Adam steps)` });
  const r = landscape.connectModes(f, a, b, { curve: "bezier", steps: job.steps, points: PATH_T });
  const ts = Array.from(r.ts.toFloat64Array());
  const slice = Array.from(line.values.toFloat64Array());
  const ends = Math.max(slice[0]!, slice[slice.length - 1]!);
  const curve = ts.map((t): [number, number] => {
    const p = r.curve(t).toFloat64Array();
    return [p[0]!, p[1]!];
  });
  return { kind: "path", ts, slice, curve, curveValues: Array.from(r.losses.toFloat64Array()), lineBarrier: Math.max(0, Math.max(...slice) - ends), curveBarrier: r.barrier };
}

function reply(job: WorkerRequest): WorkerReply {
  if (job.kind === "race") return { kind: "race", runs: race(job) };
  return job.kind === "critical" ? critical(job) : path(job);
}

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  try {
    post(reply(e.data));
  } catch (err) {
    post({ kind: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
