// Moving around the map: click or drag to move the point, drag the handle to turn the
// direction, hover to probe the Taylor models; arrow keys and [ ] do the same from the
// keyboard; the number boxes, the layer toggles and zoom. Each change updates the panel,
// the map and the URL.
import { scheduleCritical } from "./critical.js";
import { $, input, numberInput, numberInputs, onChange } from "./dom.js";
import { toPixel, toPlane } from "./draw.js";
import { lab, requestDraw, saveUrl } from "./lab.js";
import { frame, handlePixel, map, rebuildBase, rebuildModels } from "./map-view.js";
import { renderPanel, updatePoint, updateProbe } from "./panel.js";

/** How close to the handle (CSS pixels) a press grabs it rather than moving the point. */
const HANDLE_REACH = 14;

/** What the pointer is dragging, between pointerdown and pointerup. */
let drag: "point" | "direction" | undefined;

/** The point moves to `p` (plane coordinates). */
function setPoint(p: [number, number]): void {
  lab.state.point = p;
  updatePoint();
  saveUrl();
}

/** The direction turns to `degrees`, kept in [0, 360) to two decimals. */
function setAngle(degrees: number): void {
  lab.state.angle = Math.round(((degrees % 360) + 360) % 360 * 100) / 100;
  input("angle").value = String(lab.state.angle);
  renderPanel();
  updateProbe();
  requestDraw();
  saveUrl();
}

/** The pointer's position on the map, in CSS pixels. */
function pixelOf(e: PointerEvent): [number, number] {
  const r = map.getBoundingClientRect();
  return [e.clientX - r.left, e.clientY - r.top];
}

function onPointerDown(e: PointerEvent): void {
  const [x, y] = pixelOf(e);
  const [hx, hy] = handlePixel();
  map.setPointerCapture(e.pointerId);
  drag = Math.hypot(x - hx, y - hy) <= HANDLE_REACH ? "direction" : "point";
  if (drag === "point") setPoint(toPlane(frame(), x, y));
}

function onPointerMove(e: PointerEvent): void {
  const [x, y] = pixelOf(e);
  if (drag === "direction") {
    const [px, py] = toPixel(frame(), ...lab.state.point);
    return setAngle((Math.atan2(py - y, x - px) * 180) / Math.PI);
  }
  if (drag === "point") return setPoint(toPlane(frame(), x, y));
  lab.pointer = toPlane(frame(), x, y);
  updateProbe();
  requestDraw();
}

/** Arrow keys move the point by 1/40 of the view; [ and ] turn the direction by 5°. */
function onKey(e: KeyboardEvent): void {
  const v = lab.state.view;
  const step = [(v.x1 - v.x0) / 40, (v.y1 - v.y0) / 40] as const;
  const moves: Record<string, [number, number]> = { ArrowLeft: [-step[0], 0], ArrowRight: [step[0], 0], ArrowUp: [0, step[1]], ArrowDown: [0, -step[1]] };
  const move = moves[e.key];
  if (move) setPoint([lab.state.point[0] + move[0], lab.state.point[1] + move[1]]);
  else if (e.key === "[" || e.key === "]") setAngle(lab.state.angle + (e.key === "]" ? 5 : -5));
  else return;
  e.preventDefault();
}

/** Scales the view about its centre by `factor` (< 1 zooms in). */
function zoom(factor: number): void {
  const v = lab.state.view;
  const cx = (v.x0 + v.x1) / 2;
  const cy = (v.y0 + v.y1) / 2;
  lab.state.view = { x0: cx - (cx - v.x0) * factor, x1: cx + (v.x1 - cx) * factor, y0: cy - (cy - v.y0) * factor, y1: cy + (v.y1 - cy) * factor };
  scheduleCritical();
  rebuildBase();
  requestDraw();
  saveUrl();
}

/**
 * Connects the map's pointer and keyboard, the point's and angle's boxes, the layer
 * toggles and the zoom buttons.
 *
 * @example
 * wireMap();
 */
export function wireMap(): void {
  map.addEventListener("pointerdown", onPointerDown);
  map.addEventListener("pointermove", onPointerMove);
  map.addEventListener("pointerup", () => (drag = undefined));
  map.addEventListener("pointerleave", () => {
    lab.pointer = undefined;
    updateProbe();
    requestDraw();
  });
  map.addEventListener("keydown", onKey);
  onChange(["px", "py"], () => {
    const p = numberInputs(["px", "py"]);
    if (p) setPoint([p[0]!, p[1]!]);
  });
  onChange(["angle"], () => setAngle(numberInput("angle") ?? lab.state.angle));
  onChange(["show-t1", "show-t2"], () => (rebuildModels(), requestDraw()));
  onChange(["show-field"], () => (rebuildBase(), requestDraw()));
  $("zoom-in").addEventListener("click", () => zoom(0.5));
  $("zoom-out").addEventListener("click", () => zoom(2));
}
