// Primitive-corpus cases of the np layout primitives added for issue 11: the running
// reductions (cumsum, cumprod, cummax, cummin), the gather and scatter along an axis
// (take_along_axis, scatter_add_along_axis) and the sorted search (searchsorted).
import fc from "fast-check";
import { grad, np, type Array } from "nabla";
import { addCase, dims, floats, gapped, sizeOf, type Raw } from "../corpus.js";

interface AxisSpec {
  shape: number[];
  axis: number;
}

/** A shape of rank 1–3 and one of its axes (negative half the time). */
const axisSpec: fc.Arbitrary<AxisSpec> = dims(1, 3).chain((shape) =>
  fc.integer({ min: -shape.length, max: shape.length - 1 }).map((axis) => ({ shape, axis })),
);

/** int32 data of `shape` in [lo, hi]. */
const ints = (shape: readonly number[], lo: number, hi: number): fc.Arbitrary<Raw> =>
  fc.array(fc.integer({ min: lo, max: hi }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map((data) => ({ shape, data, dtype: "int32" as const }));

addCase({
  title: "cumsum (np.cumsum along a random axis)",
  covers: ["cumsum"],
  spec: axisSpec,
  args: (s: AxisSpec) => [floats(s.shape)],
  f: ({ axis }: AxisSpec) => (x) => np.sin(np.cumsum(x, { axis })),
});

addCase({
  title: "cumsum (np.cumulativeSum flattened, with the initial 0)",
  covers: ["cumsum"],
  spec: dims(1, 1),
  args: (s) => [floats(s)],
  f: () => (x) => np.cumulativeSum(np.mul(x, x), { includeInitial: true }),
});

addCase({
  title: "cumprod (np.cumprod along a random axis)",
  covers: ["cumprod"],
  spec: axisSpec,
  args: (s: AxisSpec) => [floats(s.shape, -1.5, 1.5)],
  f: ({ axis }: AxisSpec) => (x) => np.cumprod(x, { axis }),
});

addCase({
  title: "cumprod with exact zeros (its rules never divide)",
  covers: ["cumprod"],
  spec: axisSpec,
  args: (s: AxisSpec) => [
    fc.array(fc.oneof(fc.constant(0), fc.double({ min: -1.5, max: 1.5, noNaN: true })), { minLength: sizeOf(s.shape), maxLength: sizeOf(s.shape) })
      .map((data): Raw => ({ shape: s.shape, data, dtype: "float64" })),
  ],
  f: ({ axis }: AxisSpec) => (x) => np.cumprod(x, { axis }),
});

for (const name of ["cummax", "cummin"] as const) {
  addCase({
    title: `${name} (np.${name} along a random axis; no ties)`,
    covers: [name],
    spec: axisSpec,
    args: (s: AxisSpec) => [gapped(s.shape)],
    f: ({ axis }: AxisSpec) => (x) => np.mul(np[name](x, { axis }), np.cos(x)),
  });
}

interface GatherSpec {
  shape: number[];
  axis: number;
  m: number;
}

const gatherSpec: fc.Arbitrary<GatherSpec> = axisSpec.chain((s) => fc.integer({ min: 1, max: 3 }).map((m) => ({ ...s, m })));
const idxShape = ({ shape, axis, m }: GatherSpec) => shape.map((d, i) => (i === (axis < 0 ? axis + shape.length : axis) ? m : d));
const along = ({ axis }: GatherSpec) => (x: Array, idx: Array) => np.takeAlongAxis(x, idx, { axis });

addCase({
  title: "take_along_axis and scatter_add_along_axis (np.takeAlongAxis, repeated and negative indices; its gradient scatters)",
  covers: ["take_along_axis", "scatter_add_along_axis"],
  spec: gatherSpec,
  args: (s: GatherSpec) => {
    const n = s.shape[s.axis < 0 ? s.axis + s.shape.length : s.axis]!;
    return [floats(s.shape), ints(idxShape(s), -n, n - 1)];
  },
  f: (s: GatherSpec) => (x, idx) => np.sin(along(s)(x, idx)),
  grad: { probe: (s: GatherSpec) => (x, idx) => grad((y: Array) => np.sum(np.sin(along(s)(y, idx))))(x) },
  // Batched: the value and the gradient, so the scatter's batching rule runs too.
  batch: {
    f: (s: GatherSpec) => (x, idx) => [along(s)(x, idx), grad((y: Array) => np.sum(np.mul(np.sin(along(s)(y, idx)), np.cos(along(s)(y, idx)))))(x)],
  },
});

addCase({
  title: "scatter_add_along_axis (np.putAlongAxis: values written, the last of repeated indices winning)",
  covers: ["scatter_add_along_axis"],
  spec: gatherSpec,
  args: (s: GatherSpec) => {
    const n = s.shape[s.axis < 0 ? s.axis + s.shape.length : s.axis]!;
    return [floats(s.shape), ints(idxShape(s), -n, n - 1), floats(idxShape(s))];
  },
  f: ({ axis }: GatherSpec) => (x, idx, v) => np.putAlongAxis(np.sin(x), idx, np.mul(v, v), { axis }),
});

interface SearchSpec {
  n: number;
  v: number[];
}

addCase({
  title: "searchsorted (np.searchsorted into a sorted array; a step function, no derivative through it)",
  covers: ["searchsorted"],
  spec: fc.record({ n: fc.integer({ min: 1, max: 5 }), v: dims(0, 2) }),
  // Offsets 0.03 and 0.08: no value equals a sorted element, so nearby inputs give the same counts.
  args: (s: SearchSpec) => [gapped([s.n], 0.03), gapped(s.v, 0.08)],
  f: () => (a, v) => {
    const left = np.searchsorted(np.sort(a), v);
    const right = np.searchsorted(np.sort(a), v, { side: "right" });
    return np.mul(np.sin(v), np.astype(np.add(left, right), "float64"));
  },
  batch: { f: () => (a, v) => [np.searchsorted(np.sort(a), v), np.searchsorted(np.sort(a), v, { side: "right" })] },
});

addCase({
  title: "searchsorted (np.interp: differentiable in x and fp through the gathered interval)",
  covers: ["searchsorted", "take_along_axis"],
  spec: fc.record({ n: fc.integer({ min: 2, max: 5 }), v: dims(0, 2) }),
  args: (s: SearchSpec) => [gapped([s.n], 0.03, 20), gapped(s.v, 0.08, 25), floats([s.n])],
  f: () => (xp, x, fp) => np.interp(x, np.sort(xp), fp),
});
