import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { np, stats, type Array } from "nabla";

// stats against test/fixtures/stats.json (written by scripts/fixtures/stats.py): for each
// family a grid of points across its parameters (bulk, far tails, the support's edges,
// tiny and huge parameters, invalid parameters, NaN and ±∞), scipy 1.17's float64 values
// there ("ref"), and mpmath's exact values rounded once ("exact", where the point is inside
// the support with valid parameters; scipy's edge values elsewhere: −∞, 0, 1, NaN).
//
// Values are checked against the exact ones. Non-finite references must be matched
// exactly. Finite ones: log-scale functions (logpdf, logcdf, …) by |got − ref|/max(|ref|, 1)
// (relative, but absolute below 1, since they cross 0 at points that are not doubles);
// others by the relative error divided by 1 + |ln ref| (the conditioning of exp, through
// which densities and tail probabilities are formed; references below 1e−300 count as
// 1e−300, so subnormal results are compared absolutely). Errors are in ε = 2⁻⁵². The bounds
// are the measured worst errors with headroom; scipy's own worst error against the same
// exact values is in brackets where it is finite (scipy underflows to −∞ in laplace's logs
// and gives 0.5 for t.cdf(1e−10, 1), for example).
//
// Measured worst errors (Node 20), in ε, [scipy 1.17's against the same exact values]:
//   norm       logpdf 1.2 [1], pdf 1.2 [0.8], cdf 0.5 [1.5], logcdf 1 [1.9], sf 0.6 [1.5],
//              logsf 1.1 [2.2], ppf 3 [0], isf 3 [0]
//   uniform    ≤ 0.13 [0]          expon     ≤ 1.6 [≤ 1.6]
//   laplace    ≤ 1.1 [∞: scipy's logs underflow to −∞ where they are finite]
//   cauchy     ≤ 4 [3.3]           logistic  ≤ 3.7 [3.7], ppf and isf 1.9 [0]
//   gamma      logpdf 7.7 [1.2e4], pdf 5.1 [1e4], cdf 2.9 [4], logcdf 4.5 [22], sf 2.1 [41],
//              logsf 3.5 [63] (large a: Loader's form, stats/stirling.ts)
//   beta       logpdf 21 [1.2e3], pdf 13 [96], cdf 60 [128], logcdf 116 [4], sf 51 [4.5],
//              logsf 99 [7] (the continued fraction near the mean for a = 1000, b = 50)
//   t          logpdf 1.5 [138], pdf 0.75 [72], cdf 463 [1.7e5], sf 4.3e3 [1.7e5] (df = 10⁶:
//              I_x(½, ν/2) near its mean, where the continued fraction cancels)
//   truncnorm  logpdf 339 [173], pdf 257 [131], cdf 8e5 [3.5e5], logcdf 8.8e5 [3.8e5],
//              sf 657 [657], logsf 860 [860] (see below)
//   bernoulli  ≤ 0.4 [13]          poisson   logpmf 21 [1.5e5], pmf 20 [1.3e5], cdf 1.1 [7.9],
//                                            sf 1.1 [19]
// truncnorm's large numbers come from intervals at 40σ narrower than 1e−3: log Φ there is
// ≈ −804.6 with an absolute rounding of ~1e−13, and the mass of a window of width 1e−6 is
// the difference of two such logarithms (relative error 2e−9 in that case). scipy forms
// it the same way.

interface Family {
  args: (number | string)[][];
  ref: Record<string, (number | string)[]>;
  exact: Record<string, (number | string)[]>;
}
const FIXTURE = JSON.parse(readFileSync(new URL("../fixtures/stats.json", import.meta.url), "utf8")) as {
  families: Record<string, Family>;
  cases: Record<string, Record<string, unknown>[]>;
};
const decode = (v: number | string): number =>
  typeof v === "number" ? v : ({ nan: NaN, inf: Infinity, "-inf": -Infinity, "-0": -0 } as Record<string, number>)[v]!;

type Fn = (...args: Array[]) => Array;
const fnOf = (family: string, fn: string): Fn => (stats as unknown as Record<string, Record<string, Fn>>)[family.split(".")[0]!]![fn]!;
const EPS = 2 ** -52;

/**
 * Where nabla deliberately differs from scipy's edge value: k = ±∞ is outside the Poisson
 * support (log-mass −∞; scipy gives NaN, from ∞ − ∞ inside its formula).
 */
function deliberate(family: string, fn: string, args: readonly number[], got: number): boolean {
  return family === "poisson" && !Number.isFinite(args[0]!) && !Number.isNaN(args[0]!) && (fn === "logpmf" ? got === -Infinity : fn === "pmf" && got === 0);
}

/** Log-scale functions computed as the log of their linear values: −∞ where those underflow, as scipy's. */
const LOG_OF_LINEAR = new Set(["gamma.logcdf", "gamma.logsf", "beta.logcdf", "beta.logsf"]);

/** The worst error (in ε) of a function over a family's points against `refs`, and where. */
function worst(family: string, fn: string, got: readonly number[], refs: readonly number[]): { err: number; at: string } {
  const f = FIXTURE.families[family]!;
  const logScale = fn.startsWith("log");
  const name = `${family.split(".")[0]}.${fn}`;
  let err = 0;
  let at = "";
  refs.forEach((ref, i) => {
    const g = got[i]!;
    const args = f.args.map((c) => decode(c[i]!));
    const where = () => `${name}(${args.join(", ")}) = ${g}, reference ${ref}`;
    if (deliberate(family.split(".")[0]!, fn, args, g)) return;
    if (LOG_OF_LINEAR.has(name) && g === -Infinity && ref < -700) return;
    let e: number;
    if (!Number.isFinite(ref) || !Number.isFinite(g)) e = Object.is(g, ref) || (Number.isNaN(g) && Number.isNaN(ref)) ? 0 : Infinity;
    else if (logScale) e = Math.abs(g - ref) / Math.max(Math.abs(ref), 1) / EPS;
    else {
      const r = Math.max(Math.abs(ref), 1e-300);
      e = Math.abs(g - ref) / r / (1 + Math.abs(Math.log(r))) / EPS;
    }
    if (e > err) {
      err = e;
      at = where();
    }
  });
  return { err, at };
}

/** Bounds (in ε) on each function's error against the exact values. */
const BOUNDS: Record<string, number> = {
  "norm.logpdf": 4, "norm.pdf": 4, "norm.cdf": 4, "norm.logcdf": 4, "norm.sf": 4, "norm.logsf": 4, "norm.ppf": 8, "norm.isf": 8,
  "uniform.logpdf": 1, "uniform.pdf": 1, "uniform.cdf": 1, "uniform.sf": 1, "uniform.ppf": 1,
  "expon.logpdf": 4, "expon.pdf": 4, "expon.cdf": 4, "expon.logcdf": 4, "expon.sf": 4, "expon.logsf": 4, "expon.ppf": 4,
  "laplace.logpdf": 4, "laplace.pdf": 4, "laplace.cdf": 4, "laplace.logcdf": 4, "laplace.sf": 4, "laplace.logsf": 4, "laplace.ppf": 4,
  "cauchy.logpdf": 8, "cauchy.pdf": 8, "cauchy.cdf": 8, "cauchy.logcdf": 8, "cauchy.sf": 8, "cauchy.logsf": 8, "cauchy.ppf": 4, "cauchy.isf": 4,
  "logistic.logpdf": 8, "logistic.pdf": 8, "logistic.cdf": 8, "logistic.logcdf": 8, "logistic.sf": 8, "logistic.logsf": 8,
  "logistic.ppf": 4, "logistic.isf": 4,
  "gamma.logpdf": 16, "gamma.pdf": 12, "gamma.cdf": 8, "gamma.logcdf": 10, "gamma.sf": 6, "gamma.logsf": 8,
  "beta.logpdf": 64, "beta.pdf": 32, "beta.cdf": 128, "beta.logcdf": 256, "beta.sf": 128, "beta.logsf": 256,
  "t.logpdf": 4, "t.pdf": 2, "t.cdf": 1024, "t.sf": 1e4,
  "truncnorm.logpdf": 1024, "truncnorm.pdf": 1024, "truncnorm.cdf": 2e6, "truncnorm.logcdf": 2e6, "truncnorm.sf": 2048, "truncnorm.logsf": 2048,
  "bernoulli.logpmf": 1, "bernoulli.pmf": 1, "bernoulli.cdf": 1, "bernoulli.sf": 1, "bernoulli.ppf": 0,
  "poisson.logpmf": 48, "poisson.pmf": 48, "poisson.cdf": 4, "poisson.sf": 4,
};

describe("stats against exact values (test/fixtures/stats.json)", () => {
  for (const [family, f] of Object.entries(FIXTURE.families)) {
    for (const fn of Object.keys(f.ref)) {
      const name = `${family.split(".")[0]}.${fn}`;
      it(`${name} within ${BOUNDS[name]} ε`, () => {
        const got = [...fnOf(family, fn)(...f.args.map((col) => np.array(col.map(decode)))).toFloat64Array()];
        const exact = (f.exact[fn] ?? f.ref[fn]!).map(decode);
        const ours = worst(family, fn, got, exact);
        const scipy = worst(family, fn, f.ref[fn]!.map(decode), exact);
        if (process.env.NABLA_STATS_REPORT) console.log(name.padEnd(18), ours.err.toPrecision(3).padStart(9), `[scipy ${scipy.err.toPrecision(3)}]`, ours.at);
        expect(ours.err, ours.at).toBeLessThanOrEqual(BOUNDS[name]!);
      });
    }
  }
});

describe("multivariate families against scipy", () => {
  it("dirichlet.logpdf (components along the last axis)", () => {
    for (const c of FIXTURE.cases["dirichlet.logpdf"]!) {
      const got = stats.dirichlet.logpdf(np.array(c.x as number[]), np.array(c.alpha as number[])).item();
      const ref = decode(c.logpdf as number);
      expect(Math.abs(got - ref) / Math.max(1, Math.abs(ref)), `x = ${String(c.x)}, alpha = ${String(c.alpha)}`).toBeLessThan(64 * EPS);
    }
  });

  it("multivariateNormal.logpdf (n = 1, 2, 3, 5; cov condition up to 1e4), batched over points", () => {
    for (const c of FIXTURE.cases["multivariateNormal.logpdf"]!) {
      const got = stats.multivariateNormal.logpdf(np.array(c.x as number[][]), np.array(c.mean as number[]), np.array(c.cov as number[][])).toFloat64Array();
      (c.logpdf as number[]).forEach((ref, i) => expect(Math.abs(got[i]! - ref) / Math.max(1, Math.abs(ref))).toBeLessThan(1e-12));
    }
  });
});
