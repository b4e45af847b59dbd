// What the lab's views share: the state the URL holds, the parsed f, the derivatives at the
// point and where the pointer is, plus the two things every view asks for after a change:
// a redraw of the map and a new URL. Anything only one view uses stays in that view's
// module (the race's runs in race.ts, the critical points in critical.ts, …).
import type { Fn, PointInfo } from "./fn.js";
import { readState, writeState, type State } from "./state.js";

/** The shared, mutable state of the page. */
export interface Lab {
  /** What a link reproduces (see state.ts). */
  state: State;
  /** The last f that parsed; a bad edit leaves it in place. */
  fn: Fn | undefined;
  /** f's derivatives at the point (undefined where f cannot be evaluated). */
  info: PointInfo | undefined;
  /** The plane point under the pointer, while it is over the map. */
  pointer: [number, number] | undefined;
}

/** The page's one Lab, starting from the URL's query string. */
export const lab: Lab = { state: readState(location.search), fn: undefined, info: undefined, pointer: undefined };

let saveTimer: number | undefined;

/**
 * Writes the state into the URL shortly (a drag or typing replaces it once, not per event).
 *
 * @example
 * lab.state.angle = 30;
 * saveUrl();
 */
export function saveUrl(): void {
  clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => history.replaceState(null, "", writeState(lab.state)), 150);
}

let painter: ((now: number) => void) | undefined;
let drawQueued = false;

/**
 * Sets what `requestDraw` draws (the map view, once at start-up). Views that put marks on
 * the map (race, critical points, path) ask for a redraw without importing the map view,
 * which imports them to draw their marks.
 *
 * @example
 * paintWith(drawMap);
 */
export function paintWith(paint: (now: number) => void): void {
  painter = paint;
}

/**
 * Draws the map at the next animation frame, once however often it is asked for.
 *
 * @example
 * lab.pointer = [0, 0];
 * requestDraw();
 */
export function requestDraw(): void {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame((now) => {
    drawQueued = false;
    painter?.(now);
  });
}
