import { describe, expect, it } from "vitest";
import { jvp, linalg, np, type Array } from "nabla";
import { decode, epsOf, fixtures, maxAbs, maxDiff, mT, relError } from "./fixture.js";

// The additions of issue 11 against numpy 2 and scipy (test/fixtures/linalg.json, from
// scripts/fixtures/linalg.py). Singular vectors are only determined up to sign, and
// inside a repeated singular value up to rotation, so those are compared as the
// projectors onto each cluster's singular subspace; tolerances follow the perturbation
// theory of each problem (ε·κ for solves and pseudo-inverses, ε·σ_max/gap for subspaces),
// since numpy's own answer is only that accurate.

const opt = <T>(o: Record<string, unknown>, k: string) => o[k] as T;

/** The matrices of a stack as row-major number arrays, with their shapes. */
function matrices(x: Array): Float64Array[] {
  const [r, c] = x.shape.slice(-2) as [number, number];
  const d = x.toFloat64Array();
  return globalThis.Array.from({ length: r * c === 0 ? x.size : d.length / (r * c) }, (_, b) => d.subarray(b * r * c, (b + 1) * r * c));
}

/**
 * Q (rows×cols, columns paired with σ, extra columns past σ's length being the full
 * complement) spans the same subspaces as the reference Qr: for each cluster of equal σ
 * (and the zero cluster with the complement, where that is determined), Q_c·Q_cᵀ =
 * Qr_c·Qr_cᵀ to c·ε·σ_max/gap.
 */
function expectSameSubspaces(what: string, Q: Array, Qr: Array, S: Array, eps: number, determinedZero: boolean): void {
  const [rows, cols] = Q.shape.slice(-2) as [number, number];
  const k = S.shape[S.ndim - 1]!;
  const qs = matrices(Q);
  const qrs = matrices(Qr);
  const ss = k === 0 ? [] : matrices(np.reshape(S, [-1, 1, k]));
  ss.forEach((s, b) => {
    const smax = s[0] ?? 0;
    const near = (x: number, y: number) => Math.abs(x - y) <= 1e-8 * smax;
    const clusters: number[][] = [];
    for (let i = 0; i < k; i++) {
      const last = clusters[clusters.length - 1];
      if (last && near(s[last[0]!]!, s[i]!)) last.push(i);
      else clusters.push([i]);
    }
    for (const c of clusters) {
      const zero = s[c[0]!]! <= 1e-8 * smax || smax === 0;
      if (zero && !determinedZero) continue;
      const members = zero ? [...c, ...globalThis.Array.from({ length: cols - k }, (_, j) => k + j)] : c;
      const others = [...s].filter((_, i) => !c.includes(i));
      const gap = Math.min(zero ? Infinity : s[c[0]!]!, ...others.map((o) => Math.abs(o - s[c[0]!]!)));
      const scale = smax || 1;
      const tol = 200 * Math.max(rows, cols) * eps * (scale / Math.min(gap, scale));
      let err = 0;
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < rows; j++) {
          let p = 0;
          let pr = 0;
          for (const m of members) {
            p += qs[b]![i * cols + m]! * qs[b]![j * cols + m]!;
            pr += qrs[b]![i * cols + m]! * qrs[b]![j * cols + m]!;
          }
          err = Math.max(err, Math.abs(p - pr));
        }
      }
      expect(err, `${what}, matrix ${b}, cluster at σ = ${s[c[0]!]}`).toBeLessThan(Math.min(tol, 0.5));
    }
  });
}

describe("svd and svdvals against numpy", () => {
  for (const c of fixtures("svd")) {
    const full = opt<boolean>(c.options, "full_matrices");
    it(`${c.name}, full_matrices ${full}`, () => {
      const A = decode(c.args[0]!);
      const [Ur, Sr, Vhr] = c.out.map(decode) as [Array, Array, Array];
      const [U, S, Vh] = linalg.svd(A, { fullMatrices: full });
      expect([U.shape, S.shape, Vh.shape]).toEqual([Ur.shape, Sr.shape, Vhr.shape]);
      expect([U.dtype, S.dtype, Vh.dtype]).toEqual([A.dtype, A.dtype, A.dtype]);
      const [m, n] = A.shape.slice(-2) as [number, number];
      const eps = epsOf(A.dtype);
      const k = Math.min(m, n);
      expect(maxDiff(S, Sr)).toBeLessThanOrEqual(20 * Math.max(m, n, 1) * eps * maxAbs(Sr));
      if (k === 0) return;
      const [U1, V1h] = [np.split(U, [k], { axis: -1 })[0]!, np.split(Vh, [k], { axis: -2 })[0]!];
      expect(maxDiff(np.matmul(np.mul(U1, np.expandDims(S, -2)), V1h), A)).toBeLessThanOrEqual(20 * Math.max(m, n) * eps * maxAbs(Sr));
      expect(maxDiff(np.matmul(mT(U), U), np.eye(U.shape[U.ndim - 1]!))).toBeLessThan(20 * Math.max(m, n) * eps);
      expect(maxDiff(np.matmul(Vh, mT(Vh)), np.eye(Vh.shape[Vh.ndim - 2]!))).toBeLessThan(20 * Math.max(m, n) * eps);
      expectSameSubspaces("U", U, Ur, Sr, eps, full || m === k);
      expectSameSubspaces("V", mT(Vh), mT(Vhr), Sr, eps, full || n === k);
    });
  }

  for (const c of fixtures("svdvals")) {
    it(`svdvals: ${c.name}`, () => {
      const A = decode(c.args[0]!);
      const [m, n] = A.shape.slice(-2) as [number, number];
      const want = decode(c.out[0]!);
      const got = linalg.svdvals(A);
      expect(got.dtype).toBe(A.dtype);
      expect(maxDiff(got, want)).toBeLessThanOrEqual(20 * Math.max(m, n, 1) * epsOf(A.dtype) * maxAbs(want));
      // The same bits as svd's S.
      expect(maxDiff(got, linalg.svd(A)[1])).toBe(0);
    });
  }
});

/** σ_max/σ_min over the singular values above rcond·σ_max (1 if there are none). */
function keptCondition(A: Array, rcond: number): number {
  const s = [...linalg.svdvals(np.astype(A, "float64")).toFloat64Array()];
  const kept = s.filter((v) => v > rcond * (s[0] ?? 0));
  return kept.length ? kept[0]! / kept[kept.length - 1]! : 1;
}

describe("pinv and matrixRank against numpy", () => {
  for (const c of fixtures("pinv")) {
    it(`pinv: ${c.name}`, () => {
      const A = decode(c.args[0]!);
      const want = decode(c.out[0]!);
      const got = linalg.pinv(A, c.options);
      expect(got.dtype).toBe(A.dtype);
      const [m, n] = A.shape.slice(-2) as [number, number];
      const rcond = (c.options.rcond as number | undefined) ?? (c.options.rtol === null ? Math.max(m, n) * epsOf(A.dtype) : 1e-15);
      const kappa = A.size ? keptCondition(A, rcond) : 1;
      expect(relError(got, want)).toBeLessThanOrEqual(100 * Math.max(m, n, 1) * epsOf(A.dtype) * kappa);
    });
  }

  for (const c of fixtures("matrix_rank")) {
    it(`matrixRank: ${c.name}`, () => {
      const got = linalg.matrixRank(decode(c.args[0]!), c.options);
      expect(got.dtype).toBe("int32");
      expect(got.toArray()).toEqual(decode(c.out[0]!).toArray());
    });
  }
});

describe("lstsq against numpy: x, and the residuals, rank and singular values from the other functions", () => {
  for (const c of fixtures("lstsq")) {
    it(c.name, () => {
      const [A, b] = c.args.map(decode) as [Array, Array];
      const [x0, res0, rank0, s0] = c.out.map(decode) as [Array, Array, Array, Array];
      const rcond = c.options.rcond as number | undefined;
      const x = linalg.lstsq(A, b, rcond === undefined ? {} : { rcond });
      expect(x.dtype).toBe(A.dtype);
      const [m, n] = A.shape as [number, number];
      const eps = epsOf(A.dtype);
      const cut = rcond ?? Math.max(m, n) * 2 ** -52; // numpy solves in double: float64 ε for float32 too
      const kappa = keptCondition(A, cut);
      expect(relError(x, x0, 1e-300)).toBeLessThanOrEqual(100 * Math.max(m, n) * eps * kappa * kappa);
      expect(linalg.matrixRank(A, { rtol: cut }).toArray()).toEqual(rank0.toArray());
      expect(maxDiff(linalg.svdvals(A), s0)).toBeLessThanOrEqual(20 * Math.max(m, n) * eps * maxAbs(s0));
      if (res0.size) {
        const r = np.sub(b, np.matmul(A, x));
        const res = np.sum(np.square(b.ndim === 1 ? np.expandDims(r, -1) : r), { axis: 0 });
        expect(relError(res, res0)).toBeLessThan(1e3 * eps * kappa);
      }
    });
  }
});

describe("lu, luFactor and luSolve against scipy", () => {
  for (const c of fixtures("lu")) {
    it(`lu: ${c.name}`, () => {
      const A = decode(c.args[0]!);
      const want = c.out.map(decode);
      const got = c.options.permute_l ? linalg.lu(A, { permuteL: true }) : linalg.lu(A, { pIndices: (c.options.p_indices as boolean) ?? false });
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => {
        expect(g.shape, `output ${i}`).toEqual(want[i]!.shape);
        if (want[i]!.dtype === "int32") expect(g.toArray(), `output ${i}`).toEqual(want[i]!.toArray());
        else expect(relError(g, want[i]!, 1), `output ${i}`).toBeLessThan(50 * epsOf(A.dtype));
      });
    });
  }

  for (const c of fixtures("lu_factor")) {
    it(`luFactor: ${c.name}`, () => {
      const A = decode(c.args[0]!);
      const [lu0, piv0] = c.out.map(decode) as [Array, Array];
      const [lu, piv] = linalg.luFactor(A);
      expect(piv.dtype).toBe("int32");
      expect(piv.toArray()).toEqual(piv0.toArray());
      expect(relError(lu, lu0, 1)).toBeLessThan(50 * epsOf(A.dtype));
    });
  }

  for (const c of fixtures("lu_solve")) {
    it(`luSolve: ${c.name}`, () => {
      const [lu, piv, b] = c.args.map(decode) as [Array, Array, Array];
      const x = linalg.luSolve([lu, piv], b, { trans: c.options.trans as 0 | 1 });
      expect(relError(x, decode(c.out[0]!))).toBeLessThan(1e3 * epsOf(lu.dtype));
    });
  }
});

describe("matrixPower, multiDot and eigvalsh against numpy", () => {
  for (const c of fixtures("matrix_power")) {
    it(`matrixPower: ${c.name}`, () => {
      const A = decode(c.args[0]!);
      const want = decode(c.out[0]!);
      const got = linalg.matrixPower(A, c.options.n as number);
      expect(got.dtype).toBe(want.dtype);
      if (want.dtype === "int32") expect(got.toArray()).toEqual(want.toArray());
      else expect(relError(got, want)).toBeLessThan(200 * epsOf(A.dtype));
    });
  }

  for (const c of fixtures("multi_dot")) {
    it(`multiDot: ${c.name}`, () => {
      const want = decode(c.out[0]!);
      const got = linalg.multiDot(c.args.map(decode));
      expect(relError(got, want)).toBeLessThan(1e-14);
    });
  }

  for (const c of fixtures("eigvalsh")) {
    it(`eigvalsh: ${c.name}`, () => {
      const A = decode(c.args[0]!);
      const want = decode(c.out[0]!);
      const got = linalg.eigvalsh(A, { UPLO: c.options.UPLO as "L" | "U" });
      expect(got.dtype).toBe(A.dtype);
      expect(maxDiff(got, want)).toBeLessThanOrEqual(50 * epsOf(A.dtype) * Math.max(1, maxAbs(want)));
    });
  }
});

describe("expm and its Fréchet derivative against scipy", () => {
  for (const c of fixtures("expm")) {
    it(`expm: ${c.name}`, () => {
      const A = decode(c.args[0]!);
      const want = decode(c.out[0]!);
      const got = linalg.expm(A);
      expect(got.dtype).toBe(A.dtype);
      // scipy's and Higham 2005's errors are each a few ε times exp's condition number.
      expect(relError(got, want)).toBeLessThan(A.dtype === "float32" ? 1e-5 : 1e-12);
    });
  }

  for (const c of fixtures("expm_frechet")) {
    it(`L(A, E) as the JVP of expm: ${c.name}`, () => {
      const [A, E] = c.args.map(decode) as [Array, Array];
      const [, L] = jvp((a: Array) => linalg.expm(a), [A], [E]);
      expect(relError(L, decode(c.out[0]!))).toBeLessThan(1e-11);
    });
  }
});
