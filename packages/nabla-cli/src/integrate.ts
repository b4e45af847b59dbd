// `nabla integrate`: the integral of f over a box (the library's integrate.quad in one
// variable, integrate.nquad in several), with its error estimate, the evaluations it took
// and, when the tolerance was not reached, why.
import { integrate, np, type Array as Tensor } from "nabla";
import { parseCount, parsePositive, UsageError } from "./args.js";
import { parseBox } from "./box.js";
import { block, needVariables, num, signature, type Context, type Output } from "./commands.js";

/**
 * `nabla integrate EXPR --over x=a:b[,y=c:d] [--epsabs e] [--epsrel r] [--limit n]`: the
 * integral by adaptive Gauss–Kronrod quadrature, nested over the variables in their order
 * (the first outermost); bounds may be infinite (-inf, inf).
 *
 * @example
 * // nabla integrate "exp(-x^2)" --over x=-inf:inf   →   1.772453851 (√π), error ~1e-14
 */
export function integrateCommand(ctx: Context): Output {
  needVariables(ctx, "integrate");
  const { f, vars, source } = ctx.expr;
  const overText = ctx.values.over;
  if (typeof overText !== "string") {
    throw new UsageError(`--over is required: give ${vars.map((v) => `${v}=0:1`).join(",").slice(0, 80)} (a range lo:hi for each of ${vars.join(", ").slice(0, 80)}; -inf and inf allowed)`);
  }
  const box = parseBox(overText, vars, { option: "--over", infinite: true });
  const opts = {
    epsabs: parseNonNegative(ctx.values.epsabs as string | undefined, "--epsabs") ?? 1.49e-8,
    epsrel: parseNonNegative(ctx.values.epsrel as string | undefined, "--epsrel") ?? 1.49e-8,
    limit: parseCount(ctx.values.limit as string | undefined, "--limit") ?? 50,
  };
  const r =
    vars.length === 1
      ? integrate.quad((x: Tensor) => f(np.reshape(x, [1])), box[0]![0], box[0]![1], opts)
      : integrate.nquad((...xs: Tensor[]) => f(np.stack(xs)), box, opts);
  const value = r.value.item();
  const error = r.error.item();
  const nfev = r.nfev.item();
  const success = r.success.item() === 1;
  const text = block([
    [signature(ctx.expr), source],
    ["over", vars.map((v, i) => `${v} in [${bound(box[i]![0])}, ${bound(box[i]![1])}]`).join(", ")],
    ["integral", num(value)],
    ["error", `${num(error)} (estimated; asked for max(${num(opts.epsabs)}, ${num(opts.epsrel)}·|integral|))`],
    ["evaluations", String(nfev)],
    ["status", success ? "converged" : r.message],
  ]);
  const json = { command: "integrate", expression: source, vars, over: box, ...opts, value, error, nfev, success, message: r.message };
  return { text, json, ...(success ? {} : { problem: { exitCode: 1, error: `integrate: ${r.message}` } }) };
}

const bound = (v: number): string => (v === Infinity ? "∞" : v === -Infinity ? "-∞" : num(v));

/** A tolerance: a number ≥ 0 (0 turns that criterion off, as in scipy). */
function parseNonNegative(text: string | undefined, option: string): number | undefined {
  if (text !== undefined && Number(text) === 0 && text.trim() !== "") return 0;
  return parsePositive(text, option);
}
