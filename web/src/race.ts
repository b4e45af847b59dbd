// The optimizer race: every optimizer runs from the point in the worker; the table says
// where each ended, and the map and the convergence plot replay their paths as the
// animation advances (geometric in time, so Newton's few steps and GD's thousands both show).
import { clearCanvas, disc, polyline } from "./canvas.js";
import { drawConvergence } from "./convergence.js";
import { $, input, numberInput, onChange } from "./dom.js";
import { toPixel, type Frame } from "./draw.js";
import { fmt } from "./format.js";
import { runInSection } from "./jobs.js";
import { lab, requestDraw, saveUrl } from "./lab.js";
import { RACER_STYLE, type LineStyle } from "./palette.js";
import type { RaceJob, RaceRun } from "./race-types.js";

/** How long the race's animation runs, in ms. */
const ANIMATION_MS = 3000;

/** Frame statistics of the race animation, read by the browser test. */
interface LabStats {
  /** Time spent drawing each frame, ms. */
  drawMs: number[];
  /** Time between consecutive animation frames, ms. */
  intervals: number[];
}
declare global {
  interface Window {
    labStats: LabStats;
  }
}
window.labStats = { drawMs: [], intervals: [] };

let runs: RaceRun[] = [];
/** While the animation runs: when it started and when its last frame was drawn (0: none yet). */
let animation: { start: number; last: number } | undefined;

/** Races the optimizers from the point, then tabulates and animates their runs. */
async function runRace(): Promise<void> {
  const { fn, state } = lab;
  if (!fn) return;
  const job: RaceJob = { kind: "race", source: fn.source, x0: [...state.point], lr: state.lr, adamLr: state.adamLr, maxIter: state.maxIter };
  const reply = await runInSection(job, "race", "race-error", "The race failed");
  if (!reply) return;
  runs = reply.runs;
  renderRaceTable();
  window.labStats = { drawMs: [], intervals: [] };
  $("race").dataset.state = "animating";
  animation = { start: performance.now(), last: 0 };
  requestDraw();
}

/**
 * Forgets the race (f changed): empty table and plot, no animation.
 *
 * @example
 * resetRace();
 */
export function resetRace(): void {
  animation = undefined;
  runs = [];
  renderRaceTable();
  clearCanvas($("convergence", HTMLCanvasElement));
  $("race").dataset.state = "idle";
}

/** One row per run; data-method, data-x and data-status carry the exact result. */
function renderRaceTable(): void {
  const body = $("race-table").querySelector("tbody")!;
  body.replaceChildren(
    ...runs.map((r) => {
      const row = document.createElement("tr");
      row.dataset.method = r.method;
      row.dataset.x = JSON.stringify(r.x);
      row.dataset.status = r.status;
      const style = RACER_STYLE[r.method]!;
      const cells = [style.label, r.status, String(r.nit), fmt(r.x[0]), fmt(r.x[1]), fmt(r.fun)];
      row.replaceChildren(...cells.map((c, i) => cell(c, i === 0 ? style : undefined)));
      return row;
    }),
  );
}

/** A table cell; with a style, led by a swatch of the racer's line (the table's legend). */
function cell(text: string, style?: LineStyle): HTMLTableCellElement {
  const td = document.createElement("td");
  if (style) {
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.borderColor = style.color;
    swatch.style.borderTopStyle = style.dash.length ? "dashed" : "solid";
    td.append(swatch, " ");
  }
  td.append(text);
  return td;
}

/**
 * The iteration the animation has reached at time `now` (all of them once it is over).
 *
 * @example
 * const k = raceIteration(performance.now());
 */
export function raceIteration(now: number): number {
  const kmax = Math.max(0, ...runs.map((r) => r.path[r.path.length - 1]?.nit ?? 0));
  if (!animation) return kmax;
  const t = Math.min(1, (now - animation.start) / ANIMATION_MS);
  return Math.pow(1 + kmax, t) - 1;
}

/**
 * Each run's path on the map up to iteration `k`, a dot where it has got to.
 *
 * @example
 * drawRacePaths(ctx, frame, raceIteration(now));
 */
export function drawRacePaths(ctx: CanvasRenderingContext2D, fr: Frame, k: number): void {
  for (const r of runs) {
    const style = RACER_STYLE[r.method]!;
    const points: [number, number][] = [];
    for (const p of r.path) {
      if (p.nit > k || !p.x.every(Number.isFinite)) break;
      points.push(toPixel(fr, p.x[0]!, p.x[1]!));
    }
    polyline(ctx, points, style, 2.5);
    const last = points[points.length - 1];
    if (last) disc(ctx, last[0], last[1], 4.5, { fill: style.color });
  }
}

/**
 * The convergence plot up to iteration `k` (left as it is while there is no race).
 *
 * @example
 * drawRacePlot(raceIteration(now));
 */
export function drawRacePlot(k: number): void {
  if (runs.length > 0) drawConvergence($("convergence", HTMLCanvasElement), runs, k);
}

/**
 * Records a drawn frame's time for the tests and keeps the animation going until it ends.
 *
 * @example
 * recordRaceFrame(now, performance.now() - t0);
 */
export function recordRaceFrame(now: number, ms: number): void {
  if (!animation) return;
  window.labStats.drawMs.push(ms);
  if (animation.last > 0) window.labStats.intervals.push(now - animation.last);
  animation.last = now;
  if (now - animation.start >= ANIMATION_MS) {
    animation = undefined;
    $("race").dataset.state = "done";
  }
  requestDraw();
}

/**
 * Shows the state's step sizes and budget in their boxes.
 *
 * @example
 * showRaceSettings();
 */
export function showRaceSettings(): void {
  input("lr").value = String(lab.state.lr);
  input("adam-lr").value = String(lab.state.adamLr);
  input("max-iter").value = String(lab.state.maxIter);
}

/**
 * Connects the Run button and the settings boxes (a positive number is taken, else ignored).
 *
 * @example
 * wireRace();
 */
export function wireRace(): void {
  $("run-race").addEventListener("click", () => void runRace());
  const settings: [string, (v: number) => void][] = [
    ["lr", (v) => (lab.state.lr = v)],
    ["adam-lr", (v) => (lab.state.adamLr = v)],
    ["max-iter", (v) => (lab.state.maxIter = Math.max(1, Math.round(v)))],
  ];
  for (const [id, set] of settings) {
    onChange([id], () => {
      const v = numberInput(id, true);
      if (v !== undefined) (set(v), saveUrl());
    });
  }
}
