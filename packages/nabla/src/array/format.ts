import type { Storage } from "./storage.js";

/** numpy's print options: arrays larger than this show only their edges. */
const SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;

function formatNumber(v: number, dtype: Storage["dtype"]): string {
  if (dtype === "bool") return v ? "true" : "false";
  if (dtype === "int32") return String(v);
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.`;
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) return v.toExponential(8).replace(/\.?0+e/, "e");
  // Rounded to 8 digits, 2.9999999999999996 reads 3: it keeps its point, as in numpy.
  const text = String(Number(v.toPrecision(8)));
  return text.includes(".") ? text : `${text}.`;
}

/** The indices shown along an axis of length n: all, or the first and last few. */
function shownIndices(n: number, summarize: boolean): (number | null)[] {
  if (!summarize || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
  const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
  const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i);
  return [...head, null, ...tail]; // null: the "..." in between
}

/**
 * numpy-like text: `array([[1., 2.], [3., 4.]])`, with the dtype when not float64; arrays
 * of more than 1000 elements show three items at each edge of every axis, as numpy does.
 */
export function formatStorage(s: Storage): string {
  const summarize = s.size > SUMMARY_THRESHOLD;
  const strides = s.shape.map((_, axis) => s.shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  // Format only the cells that will be shown, so a large array costs little to print.
  const cells = new Map<number, string>();
  const collect = (axis: number, offset: number): void => {
    if (axis === s.shape.length) {
      cells.set(offset, formatNumber(s.data[offset]!, s.dtype));
      return;
    }
    for (const i of shownIndices(s.shape[axis]!, summarize)) if (i !== null) collect(axis + 1, offset + i * strides[axis]!);
  };
  collect(0, 0);
  let width = 0;
  for (const c of cells.values()) width = Math.max(width, c.length);
  const indent = "array(".length;
  const render = (axis: number, offset: number): string => {
    if (axis === s.shape.length) return cells.get(offset)!.padStart(width);
    const parts = shownIndices(s.shape[axis]!, summarize).map((i) => (i === null ? "..." : render(axis + 1, offset + i * strides[axis]!)));
    // numpy's layout: rows on new lines, a blank line between blocks of higher rank.
    const sep = axis === s.shape.length - 1 ? ", " : "," + "\n".repeat(s.shape.length - 1 - axis) + " ".repeat(indent + axis + 1);
    return `[${parts.join(sep)}]`;
  };
  const body = render(0, 0);
  return s.dtype === "float64" ? `array(${body})` : `array(${body}, dtype=${s.dtype})`;
}
