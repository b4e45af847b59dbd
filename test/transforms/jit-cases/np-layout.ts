// jit cases of the np layout primitives added for issue 11: cumsum, cumprod, cummax,
// cummin, take_along_axis, scatter_add_along_axis and searchsorted, in every dtype they
// take, bit for bit against eager evaluation.
import { grad, np, type Array as NdArray } from "nabla";
import { addCase, arr, BOOL, DTYPES, F32, F64, FLOATS, I32, LARGE, TINY } from "../jit-corpus.js";

for (const dt of DTYPES) {
  addCase({
    name: `cumsum, cumprod, cummax, cummin ${dt} (each axis, flattened, special values)`,
    covers: dt === BOOL ? ["cummax", "cummin"] : ["cumsum", "cumprod", "cummax", "cummin"],
    f: (x: NdArray) => [
      np.cumsum(x, { axis: 0 }),
      np.cumsum(x, { axis: -1 }),
      np.cumprod(x, { axis: 1 }),
      np.cumprod(x),
      np.cummax(x, { axis: 0 }),
      np.cummin(x, { axis: 1 }),
      ...(dt === BOOL ? [np.cumsum(x, { dtype: "bool" }), np.cumprod(x, { dtype: "bool" })] : []),
    ],
    inputs: [[arr(TINY, dt, 1)], [arr(LARGE, dt, 2)], [arr([3, 0], dt, 3)]],
  });
}

for (const dt of FLOATS) {
  addCase({
    name: `cumprod and cummax ${dt}: their gradients (linear recurrences, gathers and scatters)`,
    covers: ["cumprod", "cummax", "scatter_add_along_axis"],
    f: (x: NdArray) => [
      grad((v: NdArray) => np.cumprod(v, { axis: 1 }).sum())(x),
      grad((v: NdArray) => np.cummax(v, { axis: 0 }).sin().sum())(x),
    ],
    inputs: [[arr(TINY, dt, 1, "plain")], [arr([7, 9], dt, 2, "plain")], [arr(LARGE, dt, 3, "plain")]],
  });
}

for (const dt of [F64, F32, I32, BOOL]) {
  addCase({
    name: `take_along_axis ${dt} (np.takeAlongAxis with broadcast and negative indices; np.sort)`,
    covers: dt === BOOL ? ["take_along_axis"] : ["take_along_axis", "argsort"],
    f: (x: NdArray, i: NdArray) => [
      np.takeAlongAxis(x, i, { axis: 1 }),
      np.takeAlongAxis(x, i.slice(null, [1, 2]), { axis: 0 }),
      ...(dt === BOOL ? [] : [np.sort(x, { axis: 0 })]),
    ],
    inputs: [
      [arr([3, 4], dt, 1), np.array([[3, -1, 0], [0, 0, 2], [-4, 1, 1]], { dtype: "int32" })],
      [arr([100, 100], dt, 2), np.array([[99, 0], [-100, 5], [5, 5]], { dtype: "int32" }).reshape([1, 6]).broadcastTo([100, 6])],
    ],
  });
}

for (const dt of [F64, F32, I32]) {
  addCase({
    name: `scatter_add_along_axis ${dt} (np.putAlongAxis, repeated indices; the gradient of takeAlongAxis)`,
    covers: ["scatter_add_along_axis"],
    f: (x: NdArray, i: NdArray, v: NdArray) => [
      np.putAlongAxis(x, i, v, { axis: 1 }),
      ...(dt === I32 ? [] : [grad((y: NdArray) => np.takeAlongAxis(y, i, { axis: 1 }).sin().sum())(x)]),
    ],
    inputs: [
      [arr([3, 4], dt, 1), np.array([[3, 3, 0], [0, -1, 2], [1, 1, 1]], { dtype: "int32" }), arr([3, 3], dt, 2)],
      [arr([100, 100], dt, 3), np.array([[99, 0, 5, 5, -100, 7]], { dtype: "int32" }).broadcastTo([100, 6]), arr([100, 6], dt, 4)],
    ],
  });
}

for (const dt of [F64, F32, I32]) {
  addCase({
    name: `searchsorted ${dt} (both sides, NaN and infinities, np.isin, np.interp)`,
    covers: dt === I32 ? ["searchsorted"] : ["searchsorted", "take_along_axis"],
    f: (a: NdArray, v: NdArray) => {
      const sorted = np.sort(a);
      return [
        np.searchsorted(sorted, v),
        np.searchsorted(sorted, v, { side: "right" }),
        np.isin(v, a),
        ...(dt === I32 ? [] : [np.interp(v, sorted, np.cos(sorted))]),
      ];
    },
    inputs: [
      [arr([7], dt, 1, "ties"), arr(TINY, dt, 2, "ties")],
      [arr([500], dt, 3, "special"), arr(LARGE, dt, 4, "special")],
    ],
  });
}
