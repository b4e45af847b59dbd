// `nabla minimize … --subject-to "x^2+y^2<=1; x+y=1"`: constraints written as comparisons
// of two expressions, read into minimize's form (g(x) ≥ 0 for an inequality, as scipy).
// The text is checked here, where a mistake can point at its place, and parsed again
// where the run happens (a worker thread), so a job stays plain data.
import type { Array } from "nabla";
import { quote, UsageError } from "./args.js";
import { parseExpr } from "./expr.js";

/** One constraint as text: lhs ≤ rhs, lhs ≥ rhs, or lhs = rhs. */
export interface ConstraintText {
  lhs: string;
  rhs: string;
  relation: "<=" | ">=" | "=";
}

/** The comparison operators a constraint may use; ≤ and ≥ as typed or as the characters. */
const RELATIONS: readonly [string, ConstraintText["relation"]][] = [
  ["<=", "<="], ["≤", "<="], [">=", ">="], ["≥", ">="], ["==", "="], ["=", "="],
];

/** Where in `text` its one top-level comparison is (outside parentheses), or a usage error. */
function splitComparison(text: string, offset: number, source: string): ConstraintText {
  const found: { at: number; op: string; relation: ConstraintText["relation"] }[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (depth === 0) {
      if (ch === "<" || ch === ">") {
        if (text[i + 1] !== "=") throw new UsageError(`--subject-to: constraints are not strict: write ${ch}= instead of ${ch}`, { source, index: offset + i });
      }
      const match = RELATIONS.find(([op]) => text.startsWith(op, i));
      if (match) {
        found.push({ at: i, op: match[0], relation: match[1] });
        i += match[0].length - 1;
      }
    }
  }
  if (found.length === 0) throw new UsageError(`--subject-to: expected a comparison (<=, >= or =) in ${quote(text.trim())}`, { source, index: offset + text.length });
  if (found.length > 1) throw new UsageError("--subject-to: one comparison per constraint (separate constraints with ;)", { source, index: offset + found[1]!.at });
  const { at, op, relation } = found[0]!;
  return { lhs: text.slice(0, at), rhs: text.slice(at + op.length), relation };
}

/**
 * Reads `--subject-to`: constraints separated by ";", each a comparison of two
 * expressions in the objective's variables. Every side is parsed now, so a mistake is a
 * usage error with a caret at its place in the option's text.
 *
 * @example
 * parseConstraints("x^2+y^2<=1; x=y", ["x", "y"]);
 * // [{ lhs: "x^2+y^2", rhs: "1", relation: "<=" }, { lhs: " x", rhs: "y", relation: "=" }]
 */
export function parseConstraints(text: string, vars: readonly string[]): ConstraintText[] {
  const out: ConstraintText[] = [];
  let offset = 0;
  for (const part of text.split(";")) {
    if (part.trim() === "") throw new UsageError("--subject-to: an empty constraint", { source: text, index: offset });
    const c = splitComparison(part, offset, text);
    const rhsAt = offset + part.length - c.rhs.length;
    for (const [side, at] of [[c.lhs, offset], [c.rhs, rhsAt]] as const) {
      try {
        parseExpr(side, { vars });
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        throw new UsageError(`--subject-to: ${e.message}`, e.where ? { source: text, index: at + e.where.index } : undefined);
      }
    }
    out.push(c);
    offset += part.length + 1;
  }
  return out;
}

/**
 * The constraints as minimize takes them: `{ type: "ineq", fun }` with fun(x) ≥ 0
 * (rhs − lhs for ≤, lhs − rhs for ≥), `{ type: "eq", fun }` with fun = lhs − rhs.
 *
 * @example
 * const [c] = constraintFunctions([{ lhs: "x^2+y^2", rhs: "1", relation: "<=" }], ["x", "y"]);
 * c.fun(np.array([0.5, 0.5])).item(); // 0.5
 */
export function constraintFunctions(texts: readonly ConstraintText[], vars: readonly string[]): { type: "eq" | "ineq"; fun: (x: Array) => Array }[] {
  return texts.map(({ lhs, rhs, relation }) => {
    const [l, r] = [parseExpr(lhs, { vars }).f, parseExpr(rhs, { vars }).f];
    const fun = relation === "<=" ? (x: Array) => r(x).sub(l(x)) : (x: Array) => l(x).sub(r(x));
    return { type: relation === "=" ? "eq" : "ineq", fun };
  });
}
