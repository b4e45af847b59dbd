import type { Storage } from "./storage.js";

function formatNumber(v: number, dtype: Storage["dtype"]): string {
  if (dtype === "bool") return v ? "true" : "false";
  if (dtype === "int32") return String(v);
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.`;
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e16) ? v.toExponential(8).replace(/\.?0+e/, "e") : String(Number(v.toPrecision(8)));
}

/** numpy-like text: `array([[1., 2.], [3., 4.]])`, with the dtype when not float64. */
export function formatStorage(s: Storage): string {
  const cells = Array.from(s.data, (v) => formatNumber(v, s.dtype));
  const width = Math.max(0, ...cells.map((c) => c.length));
  const pad = (c: string) => c.padStart(width);
  const indent = "array(".length;
  const render = (axis: number, offset: number, stride: number): string => {
    if (axis === s.shape.length) return pad(cells[offset]!);
    const n = s.shape[axis]!;
    const inner = stride / n;
    const parts = Array.from({ length: n }, (_, i) => render(axis + 1, offset + i * inner, inner));
    // numpy's layout: rows on new lines, a blank line between blocks of higher rank.
    const sep = axis === s.shape.length - 1 ? ", " : "," + "\n".repeat(s.shape.length - 1 - axis) + " ".repeat(indent + axis + 1);
    return `[${parts.join(sep)}]`;
  };
  const body = s.shape.length === 0 ? (cells[0] ?? "") : render(0, 0, s.size);
  return s.dtype === "float64" ? `array(${body})` : `array(${body}, dtype=${s.dtype})`;
}
