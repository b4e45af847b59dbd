// Ranges of the variables as the commands take them: --box (critical) and --over
// (integrate), "x=-5:5,y=-2:2", with constant expressions as bounds.
import { parsePoint, quote, UsageError } from "./args.js";
import { num } from "./commands.js";
import { evalConstant } from "./expr.js";

/** Whether `text` has a comma outside parentheses (a list, not one range). */
function hasTopLevelComma(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) return true;
  }
  return false;
}

/**
 * A reader of one side of "lo:hi" (a constant expression each), for parsePoint: an error
 * in hi points at its place after the colon.
 */
function side(which: 0 | 1, infinite: boolean) {
  return (text: string): number => {
    const colon = text.indexOf(":");
    if (colon < 0) throw new UsageError(`expected a range lo:hi, e.g. -5:5, got ${quote(text.trim())}`, { source: text, index: 0 });
    const part = which === 0 ? text.slice(0, colon) : text.slice(colon + 1);
    const unbounded = infinite ? /^\s*([+-]?)\s*(inf|∞)\s*$/i.exec(part) : null;
    if (unbounded) return unbounded[1] === "-" ? -Infinity : Infinity;
    try {
      return evalConstant(part);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      throw new UsageError(e.message, { source: text, index: (which === 0 ? 0 : colon + 1) + (e.where?.index ?? 0) });
    }
  };
}

/**
 * The box of `--box` (or `--over`): x=-5:5,y=-2:2 (named, any order), -5:5,-2:2 (in
 * variable order), or one range -5:5 for every variable; bounds are constant expressions
 * (x=-pi:pi), and with `infinite` also -inf, inf (or ∞).
 *
 * @example
 * parseBox("y=-1:1,x=0:pi", ["x", "y"]); // [[0, 3.14159…], [-1, 1]]
 * parseBox("x=-inf:inf", ["x"], { option: "--over", infinite: true }); // [[-Infinity, Infinity]]
 */
export function parseBox(text: string, vars: readonly string[], opts: { option?: string; infinite?: boolean } = {}): [number, number][] {
  const option = opts.option ?? "--box";
  const infinite = opts.infinite ?? false;
  const one = !text.includes("=") && !hasTopLevelComma(text);
  const names = one ? ["range"] : vars;
  const lo = parsePoint(text, names, option, side(0, infinite));
  const hi = parsePoint(text, names, option, side(1, infinite));
  const box = vars.map((_, i): [number, number] => [lo[one ? 0 : i]!, hi[one ? 0 : i]!]);
  box.forEach(([a, b], i) => {
    const bounded = infinite || (Number.isFinite(a) && Number.isFinite(b));
    if (!bounded || !(a < b)) {
      const name = vars[i]!;
      const at = Math.max(0, one ? 0 : text.search(new RegExp(`(^|,)\\s*${name.replace(/[$]/g, "\\$")}\\s*=`)));
      throw new UsageError(`${option}: the range of ${name} must ${infinite ? "have" : "be finite with"} lo < hi, got ${num(a)}:${num(b)}`, { source: text, index: at });
    }
  });
  return box;
}
