// jit corpus cases of issue 11's linear algebra: svd, pinv, lu, lu_pivots_to_permutation
// and expm, with their gradients, in float64 and float32, bit for bit against eager runs.
import { grad, linalg, np, type Array as NdArray } from "nabla";
import { addCase, arr, FLOATS } from "../jit-corpus.js";

for (const dt of FLOATS) {
  addCase({
    name: `linear algebra ${dt}: svd (full and reduced), svdvals, pinv, lstsq, matrixRank, and gradients`,
    covers: ["svd", "pinv"],
    f: (m: NdArray, b: NdArray) => {
      const scalar = (u: NdArray) => {
        const [U, S, Vh] = linalg.svd(u, { fullMatrices: false });
        return S.sum().add(U.sum()).add(Vh.sum()).add(linalg.pinv(u).sum()).add(linalg.lstsq(u, b).sum());
      };
      return [linalg.svd(m), linalg.svd(m, { fullMatrices: false }), linalg.svdvals(m), linalg.pinv(m), linalg.lstsq(m, b), linalg.matrixRank(m), grad(scalar)(m)];
    },
    inputs: [
      [arr([4, 3], dt, 1, "plain"), arr([4], dt, 2, "plain")],
      [arr([2, 3, 5], dt, 3, "plain"), arr([3, 2], dt, 4, "plain")],
      [arr([12, 12], dt, 5, "plain"), arr([12], dt, 6, "plain")],
    ],
  });

  addCase({
    name: `linear algebra ${dt}: lu, luFactor, luSolve (the pivots as a permutation), and gradients`,
    covers: ["lu", "lu_pivots_to_permutation"],
    f: (m: NdArray, b: NdArray) => {
      const n = m.shape[m.ndim - 1]!;
      const a = m.add(np.eye(n, { dtype: m.dtype }).mul(n));
      const scalar = (u: NdArray) => {
        const [, L, U] = linalg.lu(u);
        return L.sum().add(U.sum()).add(linalg.luSolve(linalg.luFactor(u), b).sum()).add(linalg.luSolve(linalg.luFactor(u), b, { trans: 1 }).sum());
      };
      return [linalg.lu(a), linalg.luFactor(a), linalg.luSolve(linalg.luFactor(a), b), grad(scalar)(a)];
    },
    inputs: [
      [arr([3, 3], dt, 7, "plain"), arr([3], dt, 8, "plain")],
      [arr([2, 4, 4], dt, 9, "plain"), arr([4, 2], dt, 10, "plain")],
      [arr([20, 20], dt, 11, "plain"), arr([20], dt, 12, "plain")],
    ],
  });

  addCase({
    name: `linear algebra ${dt}: expm (Padé degrees and squaring) and its gradient`,
    covers: ["expm"],
    f: (m: NdArray) => [linalg.expm(m.mul(0.01)), linalg.expm(m), grad((u: NdArray) => linalg.expm(u).sum())(m)],
    inputs: [[arr([3, 3], dt, 13, "plain")], [arr([2, 4, 4], dt, 14, "plain")], [arr([10, 10], dt, 15, "plain")]],
  });
}
