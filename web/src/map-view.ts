// The contour map. Two offscreen layers hold what is slow to draw: f's bands, contour lines
// and gradient field (redrawn when f, the view or the size change) and the Taylor models'
// contours (when the point changes). Each frame copies them and draws the marks on top:
// the slice's ends, the race's paths, the critical points, then the point with its
// eigen-axes, steepest-descent arrow and direction handle.
import { arrow, disc, polyline, sized } from "./canvas.js";
import { contourLevels } from "./contours.js";
import { drawCriticalPoints } from "./critical.js";
import { $, input } from "./dom.js";
import { bandImage, gradientField, strokeContours, toPixel, type Frame } from "./draw.js";
import { fieldGrads, modelGrid, sampleGrid } from "./fn.js";
import { lab } from "./lab.js";
import { CONTOUR, OKABE_ITO } from "./palette.js";
import { drawEnds } from "./path-view.js";
import { drawRacePaths, drawRacePlot, raceIteration, recordRaceFrame } from "./race.js";

/** The contour grid's resolution (n×n samples of f over the view). */
const GRID = 200;
/** The gradient field's lattice (m×m arrows). */
const FIELD = 16;
/** How many contour levels f and the Taylor models get. */
const LEVELS = 14;
/** The radius of the disc the Taylor models are drawn in, as a fraction of the map's width. */
const MODEL_RADIUS = 0.3;

/** The map's canvas. */
export const map = $("map", HTMLCanvasElement);
const baseLayer = document.createElement("canvas");
const modelLayer = document.createElement("canvas");
/** f's contour levels over the view; the models are drawn at the same levels to compare. */
let levels: number[] = [];

/**
 * The map's size in CSS pixels and the view it shows.
 *
 * @example
 * toPixel(frame(), ...lab.state.point);
 */
export function frame(): Frame {
  return { view: lab.state.view, width: map.clientWidth, height: map.clientHeight };
}

/**
 * The unit vector u of the directional derivative, from the state's angle.
 *
 * @example
 * const [ux, uy] = direction(); // [1, 0] at 0°
 */
export function direction(): [number, number] {
  const radians = (lab.state.angle * Math.PI) / 180;
  return [Math.cos(radians), Math.sin(radians)];
}

/**
 * Where the direction handle is, in CSS pixels: a fixed length from the point along u.
 *
 * @example
 * const [hx, hy] = handlePixel();
 */
export function handlePixel(): [number, number] {
  const [px, py] = toPixel(frame(), ...lab.state.point);
  const [ux, uy] = direction();
  const len = 0.18 * map.clientWidth;
  return [px + len * ux, py - len * uy];
}

/** An offscreen layer the map's size, blank. */
function blankLayer(layer: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = sized(layer, map.clientWidth, map.clientHeight);
  ctx.clearRect(0, 0, map.clientWidth, map.clientHeight);
  return ctx;
}

/**
 * Redraws f's layer (bands, contour lines, gradient field if shown), then the models'.
 *
 * @example
 * lab.state.view = { x0: -2, x1: 2, y0: -2, y1: 2 };
 * rebuildBase();
 */
export function rebuildBase(): void {
  const { fn, state } = lab;
  if (!fn || map.clientWidth === 0) return;
  const fr = frame();
  const ctx = blankLayer(baseLayer);
  const values = sampleGrid(fn, state.view, GRID);
  levels = contourLevels(values, LEVELS);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(bandImage(values, GRID, levels), 0, 0, fr.width, fr.height);
  strokeContours(ctx, fr, values, GRID, levels, CONTOUR, []);
  if (input("show-field").checked) gradientField(ctx, fr, fieldGrads(fn, state.view, FIELD), FIELD);
  rebuildModels();
}

/**
 * Redraws the Taylor models' layer: those shown, at f's levels, in a disc about the point.
 *
 * @example
 * rebuildModels();
 */
export function rebuildModels(): void {
  const ctx = blankLayer(modelLayer);
  const { info, state } = lab;
  if (!info || !Number.isFinite(info.value) || !info.hessian.every(Number.isFinite)) return;
  const fr = frame();
  // The models are local: drawn in a disc around the point, beside f's own contours.
  const [px, py] = toPixel(fr, ...state.point);
  ctx.save();
  ctx.beginPath();
  ctx.arc(px, py, MODEL_RADIUS * fr.width, 0, 2 * Math.PI);
  ctx.clip();
  if (input("show-t1").checked) strokeContours(ctx, fr, modelGrid(info, state.view, GRID, 1), GRID, levels, OKABE_ITO.vermillion, [6, 4], 1.5);
  if (input("show-t2").checked) strokeContours(ctx, fr, modelGrid(info, state.view, GRID, 2), GRID, levels, OKABE_ITO.blue, [2, 3], 1.5);
  ctx.restore();
}

/**
 * Draws the map for the animation frame at time `now` (see lab.ts's requestDraw).
 *
 * @example
 * paintWith(drawMap);
 */
export function drawMap(now: number): void {
  const t0 = performance.now();
  const ctx = sized(map);
  const fr = frame();
  ctx.clearRect(0, 0, fr.width, fr.height);
  ctx.drawImage(baseLayer, 0, 0, fr.width, fr.height);
  ctx.drawImage(modelLayer, 0, 0, fr.width, fr.height);
  const k = raceIteration(now);
  drawEnds(ctx, fr);
  drawRacePaths(ctx, fr, k);
  drawCriticalPoints(ctx, fr);
  drawPointMarks(ctx, fr);
  drawRacePlot(k);
  recordRaceFrame(now, performance.now() - t0);
}

/** The point, its eigen-axes, the steepest-descent arrow, the direction handle and the probe. */
function drawPointMarks(ctx: CanvasRenderingContext2D, fr: Frame): void {
  const { info, pointer } = lab;
  if (!info) return;
  const [px, py] = toPixel(fr, ...lab.state.point);
  const axis = 0.12 * fr.width;
  info.eigenvectors.forEach(([vx, vy], i) => {
    const color = i === 0 ? OKABE_ITO.bluishGreen : OKABE_ITO.reddishPurple;
    polyline(ctx, [[px - axis * vx, py + axis * vy], [px + axis * vx, py - axis * vy]], { color, dash: i === 0 ? [] : [5, 3] }, 2);
    ctx.save();
    ctx.fillStyle = "#1a1a1a";
    ctx.font = "12px system-ui, sans-serif";
    ctx.fillText(i === 0 ? "λ₁" : "λ₂", px + axis * vx + 3, py - axis * vy - 3);
    ctx.restore();
  });
  if (info.gradNorm > 0 && Number.isFinite(info.gradNorm)) {
    const len = 0.15 * fr.width;
    arrow(ctx, px, py, px - (len * info.grad[0]) / info.gradNorm, py + (len * info.grad[1]) / info.gradNorm, OKABE_ITO.vermillion, 3);
  }
  const [hx, hy] = handlePixel();
  arrow(ctx, px, py, hx, hy, OKABE_ITO.blue, 2);
  disc(ctx, hx, hy, 7, { fill: "#ffffff", stroke: OKABE_ITO.blue, width: 2 });
  disc(ctx, px, py, 4.5, { fill: "#000000" });
  // A ring where the Taylor errors are read.
  if (pointer) disc(ctx, ...toPixel(fr, ...pointer), 5, { stroke: "#000000", width: 1.5 });
}
