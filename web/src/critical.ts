// The critical points in view: searched for in their own worker (so the race can run at
// the same time), listed under the panel and marked on the map by kind. A search starts
// by itself shortly after f or the view changes; the button's search also fills A and B.
import { $ } from "./dom.js";
import { kindMarker, toPixel, type Frame } from "./draw.js";
import { fmt, pairText } from "./format.js";
import { Jobs } from "./jobs.js";
import { lab, requestDraw, saveUrl } from "./lab.js";
import { showEnds } from "./path-view.js";
import type { CriticalPoint } from "./race-types.js";

/** How many Newton starts the search scatters over the view. */
const STARTS = 100;

/** The points the last finished search found in the view. */
let points: CriticalPoint[] = [];
const searches = new Jobs((_fraction, label) => ($("critical-status").textContent = `Searching for critical points: ${label}…`));
let searchTimer: number | undefined;

/**
 * Searches the view; `fillEnds` puts the two lowest minima in A and B (the button does,
 * the automatic search after each change of f or view does not, to keep A and B from a link).
 */
async function findCritical(fillEnds: boolean): Promise<void> {
  if (!lab.fn) return;
  const v = lab.state.view;
  $("critical-cancel").hidden = false;
  renderCritical("Searching for critical points…");
  const reply = await searches.run({ kind: "critical", source: lab.fn.source, box: [[v.x0, v.x1], [v.y0, v.y1]], starts: STARTS });
  if (!searches.busy) $("critical-cancel").hidden = true;
  if (!reply) return;
  if (reply.kind !== "critical") return renderCritical(reply.kind === "error" ? `The search failed: ${reply.message}` : "");
  points = reply.points;
  if (fillEnds) useMinimaAsEnds();
  renderCritical(`${points.length} critical point${points.length === 1 ? "" : "s"} in view (▼ minimum, ▲ maximum, ✕ saddle, ◆ degenerate):`);
  requestDraw();
}

/**
 * Drops the points found and starts a fresh search 300 ms after f or the view changes,
 * so typing does not start one per key.
 *
 * @example
 * scheduleCritical();
 */
export function scheduleCritical(): void {
  searches.cancel();
  points = [];
  renderCritical("");
  clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => void findCritical(false), 300);
}

/** The two lowest minima found become A and B of the slice and the path. */
function useMinimaAsEnds(): void {
  const minima = points.filter((c) => c.kind === "minimum").sort((p, q) => p.value - q.value);
  if (minima.length < 2) return;
  lab.state.ends = [...minima[0]!.x, ...minima[1]!.x];
  showEnds();
  saveUrl();
}

/** The status line above the list, and the list of points found. */
function renderCritical(status: string): void {
  $("critical-status").textContent = status;
  $("critical-list").replaceChildren(
    ...points.map((c) => {
      const li = document.createElement("li");
      li.textContent = `${c.kind} at ${pairText(c.x)}, f = ${fmt(c.value)}`;
      return li;
    }),
  );
}

/**
 * Marks each point found on the map, its kind by shape and colour.
 *
 * @example
 * drawCriticalPoints(ctx, frame);
 */
export function drawCriticalPoints(ctx: CanvasRenderingContext2D, fr: Frame): void {
  for (const c of points) kindMarker(ctx, ...toPixel(fr, ...c.x), c.kind);
}

/**
 * Connects the Find button and the Stop button.
 *
 * @example
 * wireCritical();
 */
export function wireCritical(): void {
  $("find-critical").addEventListener("click", () => void findCritical(true));
  $("critical-cancel").addEventListener("click", () => {
    searches.cancel();
    $("critical-cancel").hidden = true;
    renderCritical("Search stopped.");
  });
}
