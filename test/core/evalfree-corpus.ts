// The primitive corpus (../transforms/corpus.ts) run for bit-exact comparison: every case
// on a few fixed samples, in float64 and float32, with NaN, ±Infinity and −0 mixed in, and
// with its float arguments as int32 and bool; each eager, under jit, and through jvp, vjp
// and a jitted gradient. Results are the hex bytes of every output, so two processes
// (compiled kernels in one, interpreted in the other) can be compared exactly.
// A plain module, without vitest: evalfree-child.ts runs it under
// `node --disallow-code-generation-from-strings`.

import fc from "fast-check";
import { jit, jvp, np, tree, vjp, type Array, type Tree } from "nabla";
import { ConcreteArray } from "../../packages/nabla/src/core/index.js";
import { CASES, recordPrims, toArray, type Fn, type Raw } from "../transforms/cases.js";

const SEED = 7;
const SAMPLES = 2;
/** Cycled into float arguments; the empty slot keeps the sampled value. */
const SPECIALS = [NaN, Infinity, -Infinity, -0, undefined];

const isFloat = (r: Raw) => r.dtype === "float64" || r.dtype === "float32";
const floatOnly = (change: (r: Raw, salt: number) => Raw) => (r: Raw, salt: number) => (r.dtype === "float64" ? change(r, salt) : r);
const special = (r: Raw, salt: number): Raw => ({ ...r, data: r.data.map((v, k) => SPECIALS[(k + salt) % SPECIALS.length] ?? v) });

/** How each variant rewrites an argument; `salt` (argument and sample index) moves the specials around. */
const VARIANTS: Record<string, (r: Raw, salt: number) => Raw> = {
  float64: (r) => r,
  special64: floatOnly(special),
  float32: floatOnly((r) => ({ ...r, dtype: "float32" })),
  special32: floatOnly((r, salt) => ({ ...special(r, salt), dtype: "float32" })),
  int32: floatOnly((r) => ({ ...r, dtype: "int32", data: r.data.map((v) => Math.round(4 * v)) })),
  bool: floatOnly((r) => ({ ...r, dtype: "bool", data: r.data.map((v) => (v > 0 ? 1 : 0)) })),
};
// A whileLoop case stops on its data (max(v) < 10 doubling v): zeros, −Infinity or ints
// would loop forever, so the while cases keep to finite floats.
const LOOP_SAFE = ["float64", "float32"];

/**
 * Every output's dtype, shape and the exact bytes of each element (null for a missing
 * cotangent). NaNs are written "nan": which NaN (sign, payload) an op on two NaNs gives
 * depends on V8's compilation tier, so two runs of the same compiled kernels already
 * differ there; every other bit is compared.
 */
function bits(out: unknown): string {
  const [leaves] = tree.flatten(out as Tree);
  return leaves
    .map((l) => {
      if (!(l instanceof ConcreteArray)) return String(l);
      const d = l.storage.data;
      const bytes = Buffer.from(d.buffer, d.byteOffset, d.byteLength);
      const w = d.BYTES_PER_ELEMENT;
      const hex = globalThis.Array.from(d, (v, i) => (v !== v ? "nan" : bytes.toString("hex", i * w, (i + 1) * w)));
      return `${l.dtype}[${l.shape.join(",")}]:${hex.join(".")}`;
    })
    .join(" ");
}

function attempt(fn: () => unknown): string {
  try {
    return bits(fn());
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

export interface CorpusRun {
  /** Case, sample, variant and evaluation → the bits of its result (or its error). */
  results: Record<string, string>;
  /** Primitives bound by the eager evaluations and derivatives. */
  bound: string[];
}

/**
 * Runs every case. The float arguments are differentiated: a scalar loss (the sum of the
 * float outputs) gives the VJP path, tangents of ones the JVP path.
 */
export function runCorpus(): CorpusRun {
  const results: Record<string, string> = {};
  const bound = new Set<string>();
  const record = (fn: () => unknown) => () => {
    let out: unknown;
    recordPrims(() => (out = fn())).forEach((p) => bound.add(p));
    return out;
  };
  CASES.forEach((c, n) => {
    const arb = c.spec.chain((s: unknown) => fc.tuple(...c.args(s)).map((raws) => ({ s, raws })));
    const variants = c.covers.includes("while") ? LOOP_SAFE : Object.keys(VARIANTS);
    fc.sample(arb, { seed: SEED + n, numRuns: SAMPLES }).forEach(({ s, raws }, j) => {
      const f: Fn = c.f(s);
      for (const v of variants) {
        const rs = raws.map((r, i) => VARIANTS[v]!(r, i + j));
        const key = `${c.title} #${j} ${v}`;
        const args = rs.map(toArray);
        results[`${key} eager`] = attempt(record(() => f(...args)));
        results[`${key} jit`] = attempt(() => jit(f)(...args));
        const diff = rs.map(isFloat);
        if (!diff.some(Boolean)) continue;
        const xs = args.filter((_, i) => diff[i]);
        const withXs = (ys: Array[]) => {
          let k = 0;
          return args.map((a, i) => (diff[i] ? ys[k++]! : a));
        };
        const loss = (...ys: Array[]) => {
          const [outs] = tree.flatten(f(...withXs(ys)) as Tree);
          const floats = (outs as Array[]).filter((o) => o.dtype.startsWith("float"));
          return floats.reduce((t: Array, o) => np.add(t, np.sum(np.astype(o, "float64"))), np.array(0));
        };
        const gradient = (...ys: Array[]) => vjp(loss, ...ys)[1](np.array(1));
        results[`${key} jvp`] = attempt(record(() => jvp((...ys: Array[]) => f(...withXs(ys)), xs, xs.map((x) => np.onesLike(x)))));
        results[`${key} vjp`] = attempt(record(() => gradient(...xs)));
        results[`${key} jit(vjp)`] = attempt(() => jit(gradient)(...xs));
      }
    });
  });
  return { results, bound: [...bound].sort() };
}
