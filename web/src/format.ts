// Numbers as the panel shows them, and the outputs that carry full precision for tests
// and copy-paste in a data-value attribute (JSON).

/**
 * A number in at most 6 significant digits ("—" for NaN, ±∞ spelled out).
 *
 * @example
 * fmt(1 / 3);   // "0.333333"
 * fmt(1e-12);   // "1e-12"
 */
export function fmt(v: number): string {
  if (Number.isNaN(v)) return "—";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  const s = a >= 1e-4 && a < 1e6 ? String(Number(v.toPrecision(6))) : v.toExponential(3).replace(/\.?0+e/, "e").replace("e+", "e");
  return s.replaceAll("-", "−");
}

/**
 * Writes `text` into the output with id `id` and its exact numbers into data-value.
 *
 * @example
 * show("out-f", "0.5", 0.5);
 */
export function show(id: string, text: string, value: unknown): void {
  const el = document.getElementById(id);
  if (!el) return;
  el.textContent = text;
  el.dataset.value = JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
}

/**
 * A pair as "(a, b)".
 *
 * @example
 * pairText([1, 2]); // "(1, 2)"
 */
export function pairText(p: readonly number[]): string {
  return `(${p.map(fmt).join(", ")})`;
}

/**
 * Shows a number as `fmt` writes it, exact in data-value.
 *
 * @example
 * showNumber("out-f", 0.5); // text "0.5", data-value "0.5"
 */
export function showNumber(id: string, v: number): void {
  show(id, fmt(v), v);
}

/**
 * Shows "—" for an output with nothing to show (data-value null).
 *
 * @example
 * showBlank("out-line-barrier");
 */
export function showBlank(id: string): void {
  show(id, "—", null);
}
