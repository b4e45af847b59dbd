import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { np, type Array } from "nabla";
import { runs } from "../setup.js";

// Everything the properties compare against is computed here, independently of the
// library: the broadcast shape, the index mapping and numpy's shape notation.

const RUNS = { numRuns: runs(100) };

/** numpy's shape notation: (3,4), (5,), (). */
function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(",")})`;
}

/** numpy's broadcast of two compatible shapes: align right, a missing or size-1 axis stretches. */
function expectedShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    const da = a[a.length - n + j] ?? 1;
    const db = b[b.length - n + j] ?? 1;
    out.push(Math.max(da, db));
  }
  return out;
}

/** Flat row-major position in an operand of `shape` for output multi-index `idx`. */
function sourceOffset(shape: readonly number[], idx: readonly number[]): number {
  const lead = idx.length - shape.length;
  let off = 0;
  for (let k = 0; k < shape.length; k++) off = off * shape[k]! + (shape[k] === 1 ? 0 : idx[lead + k]!);
  return off;
}

/** Every multi-index of `shape`, row-major. */
function indices(shape: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const d of shape) out = out.flatMap((p) => globalThis.Array.from({ length: d }, (_, i) => [...p, i]));
  return out;
}

const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/**
 * A broadcast-compatible pair: a common shape of rank 0–4 with dims 1–4; each operand
 * takes a trailing part of it (its own rank) with some dims randomly set to 1.
 */
const compatiblePair = fc
  .record({
    base: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }),
    drop: fc.tuple(fc.nat(4), fc.nat(4)),
    ones: fc.tuple(fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 })),
  })
  .map(({ base, drop, ones }) => {
    const take = (k: number, mask: boolean[]) =>
      base.slice(Math.min(drop[k]!, base.length)).map((d, i) => (mask[i] ? 1 : d));
    return { a: take(0, ones[0]), b: take(1, ones[1]) };
  });

/** Operand data for a shape: random integers, so every sum is exact in float64. */
const withData = compatiblePair.chain(({ a, b }) =>
  fc.record({
    a: fc.constant(a),
    b: fc.constant(b),
    av: fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: size(a), maxLength: size(a) }),
    bv: fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: size(b), maxLength: size(b) }),
    // A rank-0 operand is sometimes passed as a plain number instead of a 0-d Array.
    plainScalar: fc.boolean(),
  }),
);

function make(shape: number[], vals: number[], plainScalar: boolean): Array | number {
  if (shape.length === 0 && plainScalar) return vals[0]!;
  return np.reshape(np.array(vals), shape);
}

describe("broadcasting, property-based", () => {
  it("np.add(a, b) has numpy's broadcast shape and a[i'] + b[i''] at every index", () => {
    fc.assert(
      fc.property(withData, ({ a, b, av, bv, plainScalar }) => {
        const out = np.add(make(a, av, plainScalar), make(b, bv, plainScalar));
        const shape = expectedShape(a, b);
        expect(out.shape).toEqual(shape);
        expect(out.dtype).toBe("float64");
        const got = out.toFloat64Array();
        expect(got.length).toBe(size(shape));
        indices(shape).forEach((idx, flat) => {
          expect(got[flat]).toBe(av[sourceOffset(a, idx)]! + bv[sourceOffset(b, idx)]!);
        });
      }),
      RUNS,
    );
  });

  it("the method form and the swapped order agree with the same index loop", () => {
    fc.assert(
      fc.property(withData, ({ a, b, av, bv }) => {
        const x = np.reshape(np.array(av), a);
        const y = np.reshape(np.array(bv), b);
        const shape = expectedShape(a, b);
        const sub = x.sub(y).toFloat64Array();
        const gt = np.greater(y, x);
        expect(gt.shape).toEqual(shape);
        const gtv = gt.toFloat64Array();
        indices(shape).forEach((idx, flat) => {
          const u = av[sourceOffset(a, idx)]!;
          const v = bv[sourceOffset(b, idx)]!;
          expect(sub[flat]).toBe(u - v);
          expect(gtv[flat]).toBe(v > u ? 1 : 0);
        });
      }),
      RUNS,
    );
  });

  it("incompatible pairs throw an error naming the op and both shapes", () => {
    const incompatible = compatiblePair
      .filter(({ a, b }) => a.length > 0 && b.length > 0)
      .chain(({ a, b }) =>
        fc.record({
          a: fc.constant(a),
          b: fc.constant(b),
          // Which trailing axis (shared by both) to make clash, and the clashing sizes.
          from: fc.nat(Math.min(a.length, b.length) - 1),
          da: fc.integer({ min: 2, max: 4 }),
          db: fc.integer({ min: 2, max: 4 }),
        }),
      )
      .filter(({ da, db }) => da !== db)
      .map(({ a, b, from, da, db }) => {
        const a2 = [...a];
        const b2 = [...b];
        a2[a.length - 1 - from] = da;
        b2[b.length - 1 - from] = db;
        return { a: a2, b: b2 };
      });
    fc.assert(
      fc.property(incompatible, ({ a, b }) => {
        const x = np.zeros(a);
        const y = np.zeros(b);
        expect(() => np.add(x, y)).toThrow(`add: cannot broadcast ${shapeText(a)} with ${shapeText(b)}`);
        expect(() => np.add(y, x)).toThrow(`add: cannot broadcast ${shapeText(b)} with ${shapeText(a)}`);
      }),
      RUNS,
    );
  });
});
