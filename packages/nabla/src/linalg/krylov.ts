// Matrix-free solvers for nonsymmetric operators given as functions Array → Array:
// restarted GMRES and BiCGSTAB. Like cg and minres (iterative.ts) they run eagerly on
// float64 vectors scaled to size 1, return the same record, and report problems in it
// instead of throwing.
import { nrm2 } from "../array/index.js";
import type { Array } from "../core/index.js";
import { finite, setup, type IterativeOptions, type IterativeResult } from "./krylov-setup.js";
import { axpy, dot, type MatVec, type Vec } from "./vectors.js";

export interface BicgstabOptions extends IterativeOptions {
  /** A preconditioner as r ↦ M⁻¹·r: any nonsingular M near A (not necessarily symmetric). */
  M?: MatVec;
}

export interface GmresOptions extends BicgstabOptions {
  /** Arnoldi vectors kept before a restart: GMRES(m) with m = restart (default min(n, 30)). */
  restart?: number;
  /**
   * "right" (default) solves A·M⁻¹·u = b, x = M⁻¹·u, so GMRES minimizes the true residual;
   * "left" solves M⁻¹·A·x = M⁻¹·b and minimizes ‖M⁻¹·(b − A·x)‖.
   */
  side?: "right" | "left";
}

/** Restarted GMRES, eagerly on concrete values (the public `gmres` adds derivatives). */
export function gmresEager(matvec: MatVec, b: Array, opts: GmresOptions = {}): IterativeResult {
  const { restart, side = "right" } = opts;
  if (restart !== undefined && !(Number.isInteger(restart) && restart >= 1)) throw new Error(`gmres: restart must be a positive integer, got ${restart}`);
  if (side !== "right" && side !== "left") throw new Error(`gmres: side must be "right" or "left", got ${String(side)}`);
  const s = setup("gmres", matvec, b, opts);
  const { n, bnorm, tol, maxIter, A, M, residualOf } = s;
  let x = s.x0;
  if (!finite(bnorm)) return s.result(x, 0, "nonFinite", "gmres: b is not finite");
  if (bnorm === 0) return s.result(new Float64Array(n), 0, "converged", "gmres: b = 0, so x = 0");
  const left = side === "left";
  const m = Math.max(1, Math.min(restart ?? 30, n));
  const target = tol * bnorm;
  // The Hessenberg matrix column by column, H[j·(m+1) + i] = h(i, j), turned into R in place.
  const H = new Float64Array((m + 1) * m);
  const cs = new Float64Array(m);
  const sn = new Float64Array(m);
  const g = new Float64Array(m + 1);
  const V: Vec[] = [];
  let r = residualOf(x);
  let rnorm = nrm2(r);
  let nit = 0;
  for (;;) {
    if (!finite(rnorm)) return s.result(x, nit, "nonFinite", "gmres: the residual b − A·x is not finite");
    if (rnorm <= target) return s.result(x, nit, "converged", `gmres: converged in ${nit} iterations`);
    if (nit >= maxIter) return s.result(x, nit, "maxIter", `gmres: no convergence in ${maxIter} iterations`);
    const z = left ? M(r) : r;
    const beta = nrm2(z);
    if (!finite(beta)) return s.result(x, nit, "nonFinite", "gmres: M⁻¹·r is not finite");
    if (beta === 0) return s.result(x, nit, "breakdown", "gmres: the preconditioner maps the residual to 0");
    V[0] = z.map((zi) => zi / beta);
    g.fill(0);
    g[0] = beta;
    // |g[k]| is the residual of the k-th iterate in the norm GMRES minimizes; on the left
    // that is ‖M⁻¹·r‖, which this ratio turns into an estimate of ‖r‖.
    const toResidual = left ? rnorm / beta : 1;
    let k = 0; // columns of R done in this cycle
    let stop: "nonFinite" | "breakdown" | undefined;
    while (k < m && nit < maxIter) {
      const j = k;
      const w = left ? M(A(V[j]!)) : A(M(V[j]!));
      const col = j * (m + 1);
      for (let i = 0; i <= j; i++) {
        const h = dot(w, V[i]!);
        H[col + i] = h;
        axpy(-h, V[i]!, w);
      }
      const hNext = nrm2(w);
      if (!finite(hNext, ...H.subarray(col, col + j + 1))) {
        stop = "nonFinite";
        break;
      }
      for (let i = 0; i < j; i++) {
        const [a, c] = [H[col + i]!, H[col + i + 1]!];
        H[col + i] = cs[i]! * a + sn[i]! * c;
        H[col + i + 1] = -sn[i]! * a + cs[i]! * c;
      }
      const a = H[col + j]!;
      const gamma = Math.hypot(a, hNext);
      nit++;
      if (gamma === 0) {
        // The (preconditioned) operator maps the last Arnoldi vector into the span of the others: singular.
        stop = "breakdown";
        break;
      }
      cs[j] = a / gamma;
      sn[j] = hNext / gamma;
      H[col + j] = gamma;
      g[j + 1] = -sn[j]! * g[j]!;
      g[j] = cs[j]! * g[j]!;
      k = j + 1;
      // hNext = 0: the Krylov space is invariant and holds the solution.
      if (hNext === 0 || Math.abs(g[k]!) * toResidual <= target) break;
      V[k] = w.map((wi) => wi / hNext);
    }
    if (k > 0) {
      // x ← x + (M⁻¹)·V·y with R·y = g, by back substitution.
      const y = new Float64Array(k);
      for (let i = k - 1; i >= 0; i--) {
        let t = g[i]!;
        for (let l = i + 1; l < k; l++) t -= H[l * (m + 1) + i]! * y[l]!;
        y[i] = t / H[i * (m + 1) + i]!;
      }
      const u = new Float64Array(n);
      for (let i = 0; i < k; i++) axpy(y[i]!, V[i]!, u);
      const xNext = Float64Array.from(x);
      axpy(1, left ? u : M(u), xNext);
      if (!xNext.every(Number.isFinite)) return s.result(x, nit, "nonFinite", "gmres: the iterate became non-finite");
      x = xNext;
    }
    if (stop === "nonFinite") return s.result(x, nit, "nonFinite", `gmres: a non-finite value appeared at iteration ${nit + 1}`);
    r = residualOf(x);
    rnorm = nrm2(r);
    if (stop === "breakdown" && !(rnorm <= target)) {
      return s.result(x, nit, "breakdown", `gmres: breakdown at iteration ${nit}: the Krylov space is invariant and the (preconditioned) operator is singular on it (relative residual ${(rnorm / bnorm).toExponential(2)})`);
    }
  }
}

/** BiCGSTAB, eagerly on concrete values (the public `bicgstab` adds derivatives). */
export function bicgstabEager(matvec: MatVec, b: Array, opts: BicgstabOptions = {}): IterativeResult {
  const s = setup("bicgstab", matvec, b, opts);
  const { n, bnorm, tol, maxIter, A, M, residualOf } = s;
  let x = s.x0;
  if (!finite(bnorm)) return s.result(x, 0, "nonFinite", "bicgstab: b is not finite");
  if (bnorm === 0) return s.result(new Float64Array(n), 0, "converged", "bicgstab: b = 0, so x = 0");
  const target = tol * bnorm;
  // Breakdown means an exact 0 only: a tiny ρ or ω on a very non-normal A (whose
  // residuals grow a millionfold before they fall) is not fatal, and the iteration
  // recovers; a test of ρ against its rounding (|ρ| ≤ ε·‖r̂‖·‖r‖) stopped it falsely.
  let r = residualOf(x);
  let rHat = r;
  let p = r;
  let v: Vec = new Float64Array(n);
  let [rho, alpha, omega] = [1, 1, 1];
  // Fresh: start the recurrences over from r (at the start, and when the updated
  // residual has drifted from the true one).
  let fresh = true;
  for (let k = 1; k <= maxIter; k++) {
    if (nrm2(r) <= target) {
      r = residualOf(x);
      if (nrm2(r) <= target) return s.result(x, k - 1, "converged", `bicgstab: converged in ${k - 1} iterations`);
      fresh = true;
    }
    if (fresh) rHat = Float64Array.from(r);
    const rhoNext = dot(rHat, r);
    if (!finite(rhoNext)) return s.result(x, k - 1, "nonFinite", "bicgstab: r̂ᵀ·r is not finite");
    if (rhoNext === 0) return s.result(x, k - 1, "breakdown", `bicgstab: breakdown at iteration ${k}: ρ = r̂ᵀ·r vanished`);
    if (fresh) p = Float64Array.from(r);
    else {
      const beta = (rhoNext / rho) * (alpha / omega);
      for (let i = 0; i < n; i++) p[i] = r[i]! + beta * (p[i]! - omega * v[i]!);
    }
    fresh = false;
    rho = rhoNext;
    const pHat = M(p);
    v = A(pHat);
    const rv = dot(rHat, v);
    if (!finite(rv)) return s.result(x, k - 1, "nonFinite", "bicgstab: A·p is not finite");
    if (rv === 0) return s.result(x, k - 1, "breakdown", `bicgstab: breakdown at iteration ${k}: r̂ᵀ·A·p vanished`);
    alpha = rho / rv;
    const sv = Float64Array.from(r);
    axpy(-alpha, v, sv);
    const xHalf = Float64Array.from(x);
    axpy(alpha, pHat, xHalf);
    if (!xHalf.every(Number.isFinite)) return s.result(x, k - 1, "nonFinite", "bicgstab: the iterate became non-finite");
    x = xHalf;
    if (nrm2(sv) <= target) {
      r = residualOf(x);
      if (nrm2(r) <= target) return s.result(x, k, "converged", `bicgstab: converged in ${k} iterations`);
      fresh = true;
      continue;
    }
    const sHat = M(sv);
    const t = A(sHat);
    const [tt, ts] = [dot(t, t), dot(t, sv)];
    if (!finite(tt, ts)) return s.result(x, k - 1, "nonFinite", "bicgstab: A·s is not finite");
    // With ω = 0, x + α·p̂ is this iteration's iterate; it is the next one that cannot start.
    if (ts === 0) return s.result(x, k, "breakdown", `bicgstab: breakdown at iteration ${k}: ω = tᵀ·s/tᵀ·t vanished`);
    omega = ts / tt;
    const xNext = Float64Array.from(x);
    axpy(omega, sHat, xNext);
    if (!xNext.every(Number.isFinite)) return s.result(x, k - 1, "nonFinite", "bicgstab: the iterate became non-finite");
    x = xNext;
    r = sv;
    axpy(-omega, t, r);
  }
  const r1 = residualOf(x);
  if (nrm2(r1) <= target) return s.result(x, maxIter, "converged", `bicgstab: converged in ${maxIter} iterations`);
  return s.result(x, maxIter, "maxIter", `bicgstab: no convergence in ${maxIter} iterations`);
}
