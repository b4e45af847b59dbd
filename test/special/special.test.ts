import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { np, special, type Array } from "nabla";
import { gammaincGradA } from "../../packages/nabla/src/array/special/index.js";
import { decodeFloat, ordinal } from "../helpers.js";

// Accuracy of the special functions against test/fixtures/special.json (written by
// scripts/fixtures/special.py: exact values from mpmath at 60+ digits, rounded once, with
// scipy's definitions; scipy's own float64 values ride along for comparison). The error is
// counted in ulps: the number of doubles between the result and the reference. Where a
// function crosses zero at a point that is not a double (lgamma and digamma below 0, betaln),
// relative accuracy is impossible in float64 and the error there is absolute, in units
// of 2⁻⁵² (an ulp of 1) while the reference is below 1. gammainc and gammaincc are ulps
// for a ≤ 170 (xᵃ, eˣ and Γ(a) taken separately); for larger a, D = xᵃe⁻ˣ/Γ(a+1) comes
// from exp(log D), whose rounding costs ~|log D| ulps, and the bound is on
// ulps/(1 + |ln f|) — exp's own conditioning.
//
// Measured worst errors (float64, this fixture, V8 in Node 20; scipy 1.17 against the same
// exact values in brackets, where finite):
//   erf        2 ulps  [2]                  lgamma     5 ulps  [4.6e18: gammaln(5e−324) = inf]
//   erfc       3 ulps  [7.3e10: far tail]   digamma    4 ulps  [4.7e11: near its root 1.4616…]
//   erfinv     4 ulps  [2]                  polygamma 11 ulps  [3.3e18: 0 where n!·ζ underflows]
//   ndtr       3 ulps  [5.0e12: lower tail] betaln     5 ulps  [1.3e6: large a and b]
//   logNdtr    3 ulps  [1.1e11]             logit      2 ulps  [2]
//   ndtri      4 ulps  [2]                  expit      2 ulps  [23]
//   xlogy      1 ulp   [1]                  xlog1py    1 ulp   [1]
//   gammainc   7 ulps for a ≤ 170; ulps/(1 + |ln f|) ≤ 4.09 everywhere  [1.2e15]
//   gammaincc  7 ulps for a ≤ 170; ulps/(1 + |ln f|) ≤ 4.07 everywhere  [6.1e8]
//   ∂P/∂a      7 ulps for a ≤ 170; ulps/(1 + |ln f|) ≤ 2.31 everywhere  (gammainc_grad_a; no scipy)
// (lgamma and digamma below 0 and betaln: in 2⁻⁵² absolute where |f| < 1, as explained above.)
// The bounds asserted below leave one ulp of room for other JavaScript engines' Math.

interface Fixture {
  args: (number | string)[][];
  ref: (number | string)[];
  scipy: (number | string)[];
}
const FIXTURE = JSON.parse(readFileSync(new URL("../fixtures/special.json", import.meta.url), "utf8")) as {
  functions: Record<string, Fixture>;
};


/** Doubles between a and b (0 for two NaNs, ∞ for a NaN against a number). */
export function ulpDistance(a: number, b: number): number {
  if (a !== a || b !== b) return a !== a && b !== b ? 0 : Infinity;
  if (a === b) return 0;
  const d = ordinal(a) - ordinal(b);
  return Number(d < 0n ? -d : d);
}

type Fn = (...args: Array[]) => Array;
interface Spec {
  fn: Fn | ((...xs: number[]) => number);
  bound: number;
  /** Where the error is absolute (in 2⁻⁵²) while |ref| < 1: see above. */
  absoluteBelowOne?: (...args: number[]) => boolean;
  /** gammainc-like: bound applies to a ≤ 170; `scaled` bounds ulps/(1 + |ln f|) everywhere. */
  scaled?: number;
  scalar?: boolean;
}

const SPECS: Record<string, Spec> = {
  erf: { fn: special.erf, bound: 3 },
  erfc: { fn: special.erfc, bound: 4 },
  erfinv: { fn: special.erfinv, bound: 5 },
  ndtr: { fn: special.ndtr, bound: 4 },
  logNdtr: { fn: special.logNdtr, bound: 4 },
  ndtri: { fn: special.ndtri, bound: 5 },
  lgamma: { fn: special.lgamma, bound: 6, absoluteBelowOne: (x) => x < 0 },
  digamma: { fn: special.digamma, bound: 5, absoluteBelowOne: (x) => x < 0 },
  polygamma: { fn: special.polygamma, bound: 12 },
  betaln: { fn: special.betaln, bound: 6, absoluteBelowOne: () => true },
  gammainc: { fn: special.gammainc, bound: 8, scaled: 5 },
  gammaincc: { fn: special.gammaincc, bound: 8, scaled: 5 },
  gammainc_grad_a: { fn: gammaincGradA, bound: 8, scaled: 5, scalar: true },
  xlogy: { fn: special.xlogy, bound: 2 },
  xlog1py: { fn: special.xlog1py, bound: 2 },
  logit: { fn: special.logit, bound: 3 },
  expit: { fn: special.expit, bound: 3 },
};

/** The function applied to every fixture point at once (one kernel call). */
function evaluate(spec: Spec, args: number[][], dtype: "float64" | "float32" = "float64"): number[] {
  if (spec.scalar) return args[0]!.map((_, i) => (spec.fn as (...xs: number[]) => number)(...args.map((col) => col[i]!)));
  const arrays = args.map((col) => np.array(col, { dtype }));
  return [...(spec.fn as Fn)(...arrays).toFloat64Array()];
}

interface Report {
  worst: number;
  at: string;
  scaledWorst: number;
  scipyWorst: number;
}

function measure(name: string, spec: Spec): Report {
  const fx = FIXTURE.functions[name]!;
  const args = fx.args.map((col) => col.map(decodeFloat));
  const got = evaluate(spec, args);
  const report: Report = { worst: 0, at: "", scaledWorst: 0, scipyWorst: 0 };
  fx.ref.forEach((r, i) => {
    const ref = decodeFloat(r);
    const point = args.map((col) => col[i]!);
    const absolute = spec.absoluteBelowOne?.(...point) && Math.abs(ref) < 1 && Number.isFinite(ref);
    const err = (v: number) => (absolute ? Math.abs(v - ref) / 2 ** -52 : ulpDistance(v, ref));
    const e = err(got[i]!);
    const s = err(decodeFloat(fx.scipy[i]!));
    if (Number.isFinite(s)) report.scipyWorst = Math.max(report.scipyWorst, s);
    if (spec.scaled !== undefined && Number.isFinite(ref) && ref !== 0) {
      report.scaledWorst = Math.max(report.scaledWorst, e / (1 + Math.abs(Math.log(Math.abs(ref)))));
      if (!(point[0]! <= 170 && Math.abs(ref) > 1e-300)) return;
    }
    if (!(e <= report.worst)) {
      report.worst = e;
      report.at = point.join(", ");
    }
  });
  return report;
}

describe("special functions against exact values (ulps; test/fixtures/special.json)", () => {
  const table: string[] = [];
  for (const [name, spec] of Object.entries(SPECS)) {
    it(`${name}: within ${spec.bound} ulps${spec.scaled ? ` for a ≤ 170, ${spec.scaled}·(1 + |ln f|) beyond` : ""}`, () => {
      const r = measure(name, spec);
      table.push(
        `${name.padEnd(16)} ${String(r.worst).padStart(3)} ulps at (${r.at})` +
          (spec.scaled ? `, ulps/(1+|ln f|) ≤ ${r.scaledWorst.toFixed(2)}` : "") +
          (spec.scalar ? "" : `; scipy ${r.scipyWorst > 1e6 ? r.scipyWorst.toExponential(1) : r.scipyWorst}`),
      );
      expect(r.worst, `${name} at (${r.at})`).toBeLessThanOrEqual(spec.bound);
      if (spec.scaled) expect(r.scaledWorst).toBeLessThanOrEqual(spec.scaled);
    });
  }
  it("prints the measured table", () => {
    console.log(`measured worst errors against test/fixtures/special.json:\n  ${table.join("\n  ")}`);
    expect(table.length).toBe(Object.keys(SPECS).length);
  });
});

describe("float32: computed in float64, rounded once", () => {
  for (const [name, spec] of Object.entries(SPECS)) {
    if (spec.scalar) continue;
    it(`${name}: float32 inputs give fround of the float64 result, within 1 float32 ulp of the reference`, () => {
      const fx = FIXTURE.functions[name]!;
      // The points whose arguments are floats already (so the reference applies as is).
      const keep = fx.ref.map((_, i) => fx.args.every((col) => Object.is(Math.fround(decodeFloat(col[i]!)), decodeFloat(col[i]!))));
      const args = fx.args.map((col) => col.map(decodeFloat).filter((_, i) => keep[i]));
      const refs = fx.ref.map(decodeFloat).filter((_, i) => keep[i]);
      const got32 = evaluate(spec, args, "float32");
      const got64 = evaluate(spec, args);
      got32.forEach((v, i) => {
        expect(Object.is(v, Math.fround(got64[i]!)) || (v !== v && got64[i] !== got64[i]), `${name} at ${args.map((c) => c[i])}`).toBe(true);
        const ref = Math.fround(refs[i]!);
        const tolerance = Math.abs(ref) * 2 ** -23 + 1.5e-45;
        // Absolute near lgamma's, digamma's and betaln's zero crossings (as above, in float32).
        const abs = spec.absoluteBelowOne?.(...args.map((c) => c[i]!)) && Math.abs(ref) < 1 ? 2 ** -23 : 0;
        expect(v === ref || (v !== v && ref !== ref) || Math.abs(v - ref) <= tolerance + abs, `${name} at ${args.map((c) => c[i])}: ${v} vs ${ref}`).toBe(true);
      });
    });
  }
});
