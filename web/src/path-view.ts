// The slice and the path between A and B: the worker computes f along the segment and
// trains a Bézier path that stays low; the slice plot shows f along both against t, the
// barriers are read out, and the map shows both curves and the ends A and B.
import { clearCanvas, polyline } from "./canvas.js";
import { $, input, numberInputs, onChange } from "./dom.js";
import { toPixel, type Frame } from "./draw.js";
import { showBlank, showNumber } from "./format.js";
import { runInSection } from "./jobs.js";
import { lab, requestDraw, saveUrl } from "./lab.js";
import type { PathJob, PathResult } from "./race-types.js";
import { BEZIER_STYLE, drawSlice, SEGMENT_STYLE } from "./slice.js";

/** Steps of the path's training (Adam, as in Garipov et al.). */
const PATH_STEPS = 300;

/** The ends' number boxes, in the order of State.ends. */
const END_INPUTS = ["ax", "ay", "bx", "by"] as const;

/** The last slice and path, until f or the ends change. */
let result: PathResult | undefined;

/** Slices f from A to B and trains the path between them, then shows both. */
async function runPath(): Promise<void> {
  if (!lab.fn) return;
  const [ax, ay, bx, by] = lab.state.ends;
  const job: PathJob = { kind: "path", source: lab.fn.source, a: [ax, ay], b: [bx, by], steps: PATH_STEPS };
  const reply = await runInSection(job, "paths", "path-error", "The slice or path failed");
  if (!reply) return;
  result = reply;
  renderPath();
  $("paths").dataset.state = "done";
  requestDraw();
}

/** The slice plot and the barriers, or blanks while there is no result. */
function renderPath(): void {
  const canvas = $("slice", HTMLCanvasElement);
  if (!result) {
    clearCanvas(canvas);
    showBlank("out-line-barrier");
    showBlank("out-curve-barrier");
    return;
  }
  drawSlice(canvas, result);
  showNumber("out-line-barrier", result.lineBarrier);
  showNumber("out-curve-barrier", result.curveBarrier);
}

/**
 * Forgets the slice and the path (f or the ends changed).
 *
 * @example
 * resetPath();
 */
export function resetPath(): void {
  result = undefined;
  renderPath();
}

/**
 * On the map: the segment and the trained path (once computed), and the ends A and B.
 *
 * @example
 * drawEnds(ctx, frame);
 */
export function drawEnds(ctx: CanvasRenderingContext2D, fr: Frame): void {
  const [ax, ay, bx, by] = lab.state.ends;
  const a = toPixel(fr, ax, ay);
  const b = toPixel(fr, bx, by);
  if (result) {
    polyline(ctx, [a, b], SEGMENT_STYLE, 2);
    polyline(ctx, result.curve.map(([x, y]) => toPixel(fr, x, y)), BEZIER_STYLE, 2);
  }
  ctx.save();
  ctx.font = "bold 13px system-ui, sans-serif";
  for (const [[x, y], name] of [[a, "A"], [b, "B"]] as const) {
    ctx.fillStyle = "#ffffff";
    ctx.strokeStyle = "#000000";
    ctx.lineWidth = 1.5;
    ctx.fillRect(x - 4, y - 4, 8, 8);
    ctx.strokeRect(x - 4, y - 4, 8, 8);
    ctx.fillStyle = "#000000";
    ctx.fillText(name, x + 6, y - 6);
  }
  ctx.restore();
}

/**
 * Shows the state's ends A and B in their boxes.
 *
 * @example
 * showEnds();
 */
export function showEnds(): void {
  END_INPUTS.forEach((id, i) => (input(id).value = String(lab.state.ends[i])));
}

/**
 * Connects the Slice button and the ends' boxes (new ends drop the old result).
 *
 * @example
 * wirePath();
 */
export function wirePath(): void {
  $("run-path").addEventListener("click", () => void runPath());
  onChange(END_INPUTS, () => {
    const v = numberInputs(END_INPUTS);
    if (!v) return;
    lab.state.ends = [v[0]!, v[1]!, v[2]!, v[3]!];
    resetPath();
    requestDraw();
    saveUrl();
  });
}
