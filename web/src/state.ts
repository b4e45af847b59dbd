// The lab's state and its home in the URL's query string, so a link reproduces the view:
// ?f=…&p=x,y&a=degrees&v=x0,x1,y0,y1&lr=…&alr=…&it=…&ab=ax,ay,bx,by
import type { View } from "./fn.js";

/** What a link reproduces. */
export interface State {
  /** f's text, as typed. */
  source: string;
  /** The chosen point (also the race's start). */
  point: [number, number];
  /** The direction of the directional derivative, in degrees from the x-axis. */
  angle: number;
  view: View;
  /** GD's and momentum's step size. */
  lr: number;
  adamLr: number;
  /** The first-order methods' iteration budget. */
  maxIter: number;
  /** The slice's and the path's ends A and B: [ax, ay, bx, by]. */
  ends: [number, number, number, number];
}

/** A named example state. */
export interface Preset extends State {
  name: string;
}

/** The chapter's examples, each with a start and step sizes that show something. */
export const PRESETS: Preset[] = [
  { name: "Quadratic ½(x² + 10y²)", source: "0.5*(x^2 + 10*y^2)", point: [1, 1], angle: 45, view: { x0: -1.5, x1: 1.5, y0: -1.5, y1: 1.5 }, lr: 0.1, adamLr: 0.05, maxIter: 2000, ends: [-1, 1, 1, -1] },
  { name: "Rosenbrock", source: "(1 - x)^2 + 100*(y - x^2)^2", point: [-1.2, 1], angle: 0, view: { x0: -2, x1: 2, y0: -1, y1: 3 }, lr: 0.001, adamLr: 0.02, maxIter: 5000, ends: [-1, 1, 1, 1] },
  { name: "Himmelblau", source: "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", point: [0, 0], angle: 0, view: { x0: -5, x1: 5, y0: -5, y1: 5 }, lr: 0.01, adamLr: 0.1, maxIter: 2000, ends: [3, 2, -2.805118, 3.131312] },
  { name: "Monkey saddle", source: "x^3 - 3*x*y^2", point: [0.5, 0.3], angle: 90, view: { x0: -1.5, x1: 1.5, y0: -1.5, y1: 1.5 }, lr: 0.05, adamLr: 0.05, maxIter: 200, ends: [-1, 0, 1, 0] },
];

const numbers = (text: string | null, count: number): number[] | undefined => {
  if (text === null) return undefined;
  const parts = text.split(",").map(Number);
  return parts.length === count && parts.every(Number.isFinite) ? parts : undefined;
};

const positive = (text: string | null, fallback: number): number => {
  const v = Number(text);
  return text !== null && Number.isFinite(v) && v > 0 ? v : fallback;
};

/**
 * The state in a query string; what is missing or malformed comes from the first preset.
 *
 * @example
 * readState("?f=x%5E2%2By%5E2&p=1,2").point; // [1, 2]
 */
export function readState(search: string): State {
  const q = new URLSearchParams(search);
  const base = PRESETS[0]!;
  const p = numbers(q.get("p"), 2);
  const v = numbers(q.get("v"), 4);
  const view = v && v[0]! < v[1]! && v[2]! < v[3]! ? { x0: v[0]!, x1: v[1]!, y0: v[2]!, y1: v[3]! } : base.view;
  const angle = Number(q.get("a"));
  const ab = numbers(q.get("ab"), 4);
  return {
    source: q.get("f") ?? base.source,
    point: p ? [p[0]!, p[1]!] : base.point,
    angle: q.get("a") !== null && Number.isFinite(angle) ? angle : base.angle,
    view,
    lr: positive(q.get("lr"), base.lr),
    adamLr: positive(q.get("alr"), base.adamLr),
    maxIter: Math.round(positive(q.get("it"), base.maxIter)),
    ends: ab ? [ab[0]!, ab[1]!, ab[2]!, ab[3]!] : base.ends,
  };
}

/**
 * The state as a query string (numbers in full, so a link is exact).
 *
 * @example
 * writeState(PRESETS[0]); // "?f=0.5*(x%5E2+%2B+10*y%5E2)&p=1,1&…"
 */
export function writeState(s: State): string {
  const q = new URLSearchParams({
    f: s.source,
    p: s.point.join(","),
    a: String(s.angle),
    v: [s.view.x0, s.view.x1, s.view.y0, s.view.y1].join(","),
    lr: String(s.lr),
    alr: String(s.adamLr),
    it: String(s.maxIter),
    ab: s.ends.join(","),
  });
  return `?${q}`;
}
