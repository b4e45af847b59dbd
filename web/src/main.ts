// The lab's page: reads the state from the URL, parses f from the expression box and wires
// the views together. Each view lives in its own module: the map (map-view.ts) and its
// pointer and keyboard (map-input.ts), the panel at the point (panel.ts), the race
// (race.ts), the critical points (critical.ts), the slice and path (path-view.ts). Heavy,
// long work (race, critical points, path) goes to workers; what stays on this thread (a
// 200×200 grid, one point's derivatives) takes milliseconds.
import "./style.css";
import { scheduleCritical, wireCritical } from "./critical.js";
import { $, input } from "./dom.js";
import { compileFn } from "./fn.js";
import { jobs } from "./jobs.js";
import { lab, paintWith, requestDraw, saveUrl } from "./lab.js";
import { wireMap } from "./map-input.js";
import { drawMap, map, rebuildBase } from "./map-view.js";
import { updatePoint } from "./panel.js";
import { resetPath, showEnds, wirePath } from "./path-view.js";
import { resetRace, showRaceSettings, wireRace } from "./race.js";
import { PRESETS, type State } from "./state.js";

/** Parses the box's text: a valid f replaces the drawn one, a bad one shows its caret. */
function setSource(text: string): void {
  lab.state.source = text;
  const r = compileFn(text);
  const box = input("expr");
  if ("error" in r) {
    box.setAttribute("aria-invalid", "true");
    $("expr-error").hidden = false;
    $("expr-caret").textContent = `${text}\n${" ".repeat(r.error.index)}^`;
    $("expr-message").textContent = `${r.error.message} (at character ${r.error.index + 1})${lab.fn ? "; the map still shows the last valid f" : ""}`;
    return;
  }
  box.removeAttribute("aria-invalid");
  $("expr-error").hidden = true;
  lab.fn = r.fn;
  // Work on the old f is moot now.
  jobs.cancel();
  resetRace();
  scheduleCritical();
  resetPath();
  rebuildBase();
  updatePoint();
  saveUrl();
}

/** A preset replaces the whole state (copied, so edits do not change the preset). */
function applyPreset(p: State): void {
  Object.assign(lab.state, { ...p, point: [...p.point], view: { ...p.view }, ends: [...p.ends] });
  input("expr").value = p.source;
  showNumbers();
  setSource(p.source);
}

/** The race's settings and the ends A and B in their boxes. */
function showNumbers(): void {
  showRaceSettings();
  showEnds();
}

/** Connects the expression box, the presets, Cancel and every view's controls. */
function wire(): void {
  const box = input("expr");
  box.value = lab.state.source;
  box.addEventListener("input", () => setSource(box.value));
  for (const p of PRESETS) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = p.name;
    b.addEventListener("click", () => applyPreset(p));
    $("presets").append(b);
  }
  wireMap();
  wireCritical();
  wireRace();
  wirePath();
  $("cancel").addEventListener("click", () => jobs.cancel());
  showNumbers();
  new ResizeObserver(() => (rebuildBase(), requestDraw())).observe(map);
}

paintWith(drawMap);
wire();
setSource(lab.state.source);
