// The panel "At the point": f, ∇f, the steepest descent, the directional derivative along
// u, the Hessian, its eigenvalues and the kind of point, all from the library; and below,
// f and both Taylor models' errors at the probe (the pointer, else the handle's tip).
import { input } from "./dom.js";
import { toPlane } from "./draw.js";
import { analyze, taylorModels, type PointInfo, type TaylorAt } from "./fn.js";
import { fmt, pairText, show, showBlank, showNumber } from "./format.js";
import { lab, requestDraw } from "./lab.js";
import { direction, frame, handlePixel, rebuildModels } from "./map-view.js";

/** f and its Taylor models about the point, at any probe point. */
let models: ((probe: readonly [number, number]) => TaylorAt) | undefined;

/**
 * Recomputes everything at the point (derivatives, models) and shows it: boxes, panel, map.
 *
 * @example
 * lab.state.point = [1, 2];
 * updatePoint();
 */
export function updatePoint(): void {
  const { fn, state } = lab;
  if (!fn) return;
  input("px").value = String(state.point[0]);
  input("py").value = String(state.point[1]);
  input("angle").value = String(state.angle);
  try {
    lab.info = analyze(fn, ...state.point);
    models = taylorModels(fn, state.point);
  } catch (e) {
    lab.info = undefined;
    models = undefined;
    show("out-kind", `cannot evaluate here: ${e instanceof Error ? e.message : String(e)}`, null);
  }
  rebuildModels();
  renderPanel();
  updateProbe();
  requestDraw();
}

/**
 * Shows the point's derivatives (the direction's too, so a new angle only needs this).
 *
 * @example
 * renderPanel();
 */
export function renderPanel(): void {
  const { info } = lab;
  if (!info) return;
  const [ux, uy] = direction();
  const { grad: g, gradNorm, eigenvalues: w } = info;
  show("out-point", pairText(info.x), info.x);
  showNumber("out-f", info.value);
  show("out-grad", pairText(g), g);
  showNumber("out-gradnorm", gradNorm);
  const descent = gradNorm > 0 ? [-g[0] / gradNorm, -g[1] / gradNorm] : [NaN, NaN];
  show("out-descent", gradNorm > 0 ? pairText(descent) : "none (∇f = 0)", descent);
  const slope = g[0] * ux + g[1] * uy;
  show("out-dderiv", `${fmt(slope)}  (u = ${pairText([ux, uy])})`, slope);
  show("out-hessian", `[${pairText(info.hessian.slice(0, 2))}, ${pairText(info.hessian.slice(2))}]`, info.hessian);
  show("out-eig", `${fmt(w[0])}, ${fmt(w[1])}`, w);
  show("out-kind", kindText(info), info.kind);
}

/** The kind of point in words; away from a critical point, the shape of the curvature. */
function kindText(p: PointInfo): string {
  if (p.kind === "nonFinite") return "f or its derivatives are not finite here";
  if (p.kind !== "notCritical") return p.kind;
  const [a, b] = p.eigenvalues;
  const shape = a > 0 && b > 0 ? "bowl-shaped (convex)" : a < 0 && b < 0 ? "dome-shaped (concave)" : a < 0 && b > 0 ? "saddle-shaped" : "flat in one direction";
  return `not critical (∇f ≠ 0); curvature here is ${shape}`;
}

/**
 * Shows f and the Taylor models' errors at the probe: the pointer over the map, else the
 * handle's tip.
 *
 * @example
 * lab.pointer = [0.5, 0.5];
 * updateProbe();
 */
export function updateProbe(): void {
  if (!models) return;
  const probe = lab.pointer ?? toPlane(frame(), ...handlePixel());
  try {
    const t = models(probe);
    show("out-probe", `${pairText(t.at)}${lab.pointer ? "" : " (handle tip)"}`, t.at);
    showNumber("out-probe-f", t.value);
    showNumber("out-t1err", Math.abs(t.value - t.first));
    showNumber("out-t2err", Math.abs(t.value - t.second));
  } catch {
    showBlank("out-t1err");
    showBlank("out-t2err");
  }
}
