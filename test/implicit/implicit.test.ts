// Implicit differentiation against closed forms, finite differences (checkGrads, order 2)
// and the unrolled solvers it replaces; vmap against a loop, jit against eager; and the
// errors and statuses a user meets.
import { describe, expect, it } from "vitest";
import { checkGrads, grad, implicit, jacfwd, jit, jvp, linalg, np, random, vjp, vmap, type Array } from "nabla";
import { errorOf, expectClose } from "../helpers.js";

const DOTTIE = 0.7390851332151607;

describe("closed forms, forward and reverse, to 1e-10", () => {
  // argmin_y y⁴/4 − θy: y*³ = θ, so y*(8) = 2 and dy*/dθ = 1/(3y*²) = 1/12.
  const quartic = (y: Array, t: Array) => y.pow(4).div(4).sub(t.mul(y));
  // z = θ·cos z: dz*/dθ = cos z*/(1 + θ·sin z*).
  const dottie = (z: Array, t: Array) => t.mul(np.cos(z));
  const dz = Math.cos(DOTTIE) / (1 + Math.sin(DOTTIE));

  it.each(["lbfgs", "bfgs", "newton"] as const)("argmin of y⁴/4 − θy at θ = 8 (%s): y* = 2, dy*/dθ = 1/12", (method) => {
    const solve = implicit.argmin(quartic, { method });
    const r = solve(np.array(1), np.array(8));
    expect(r.success.item()).toBe(1);
    expect(Math.abs(r.x.item() - 2)).toBeLessThan(1e-10);
    const y = (t: Array) => solve(np.array(1), t).x;
    expect(Math.abs(grad(y)(np.array(8)).item() - 1 / 12)).toBeLessThan(1e-10);
    expect(Math.abs(jvp(y, [np.array(8)], [np.array(1)])[1].item() - 1 / 12)).toBeLessThan(1e-10);
  });

  it("argmin's defaults resolve a least-squares minimum whose value is far from 0", () => {
    // lbfgs and bfgs stall here a few digits short of gtol = 1e-10 (f's rounding hides the
    // last decrease); argmin's default newton-cg does not, and its derivative is exact.
    const A = random.normal(random.key(0), [20, 10]);
    const b = random.normal(random.key(1), [20]);
    const g = (y: Array, t: Array) => np.sum(np.square(np.sub(np.matmul(A, y), np.mul(t, b)))).mul(0.5);
    const solve = implicit.argmin(g);
    const r = solve(np.zeros([10]), np.array(1));
    expect(r.status.item()).toBe(0);
    const exact = linalg.lstsq(A, b);
    expectClose(r.x.toArray(), exact.toArray() as number[], 1e-9);
    // y*(t) = t·A⁺b, so dy*/dt = A⁺b.
    expectClose(jacfwd((t: Array) => solve(np.zeros([10]), t).x)(np.array(1)).toArray(), exact.toArray() as number[], 1e-9);
  });

  it.each(["iterate", "anderson"] as const)("the fixed point z = θ·cos z at θ = 1 (%s): z* = 0.7390851332151607", (method) => {
    const solve = implicit.fixedPoint(dottie, { method, tol: 1e-12 });
    const r = solve(np.array(0), np.array(1));
    expect(r.status.item()).toBe(0);
    expect(Math.abs(r.x.item() - DOTTIE)).toBeLessThan(1e-10);
    const z = (t: Array) => solve(np.array(0), t).x;
    expect(Math.abs(grad(z)(np.array(1)).item() - dz)).toBeLessThan(1e-10);
    expect(Math.abs(jvp(z, [np.array(1)], [np.array(1)])[1].item() - dz)).toBeLessThan(1e-10);
  });

  it("anderson needs far fewer iterations than plain iteration", () => {
    const plain = implicit.fixedPoint(dottie, { tol: 1e-12 })(np.array(0), np.array(1)).nit.item();
    const anderson = implicit.fixedPoint(dottie, { method: "anderson", tol: 1e-12 })(np.array(0), np.array(1)).nit.item();
    expect(anderson).toBeLessThan(plain / 3);
  });

  it.each(["newton", "broyden"] as const)("rootFind of y³ = θ (%s) and its derivative, with every linear solve", (method) => {
    for (const linearSolve of ["dense", "minres", "gmres", "bicgstab"] as const) {
      const solve = implicit.rootFind((y: Array, t: Array) => y.pow(3).sub(t), { method, linearSolve });
      const y = (t: Array) => solve(np.array(1), t).x;
      expect(Math.abs(y(np.array(8)).item() - 2)).toBeLessThan(1e-10);
      expect(Math.abs(grad(y)(np.array(8)).item() - 1 / 12)).toBeLessThan(1e-10);
    }
  });

  it("second derivatives: d²y*/dθ² of y³ = θ is −2/(9·y*⁵)", () => {
    const solve = implicit.rootFind((y: Array, t: Array) => y.pow(3).sub(t), { linearSolve: "dense" });
    const y = (t: Array) => solve(np.array(1), t).x;
    expect(Math.abs(grad(grad(y))(np.array(8)).item() + 2 / (9 * 32))).toBeLessThan(1e-10);
    expect(Math.abs(jacfwd(grad(y))(np.array(8)).item() + 2 / (9 * 32))).toBeLessThan(1e-10);
  });
});

/** A random matrix with spectral norm `norm` (so z ↦ tanh(Wz + …) contracts for norm < 1). */
function contraction(seed: number, n: number, norm: number): Array {
  const W = random.normal(random.key(seed), [n, n]);
  return W.mul(norm / linalg.svdvals(W).slice(0).item());
}

describe("parameters the solved function closes over (not passed as args)", () => {
  // The forward solve runs on concrete values, so what F closes over is moved into its
  // arguments first; before that, a closed-over tracer of grad escaped into the solver.
  const dz = Math.cos(DOTTIE) / (1 + Math.sin(DOTTIE));
  const solvers = {
    fixedPoint: (t: Array) => implicit.fixedPoint((z: Array) => t.mul(np.cos(z)))(np.array(0)).x,
    rootFind: (t: Array) => implicit.rootFind((z: Array) => t.mul(np.cos(z)).sub(z))(np.array(0)).x,
    argmin: (t: Array) => implicit.argmin((z: Array) => z.mul(z).div(2).sub(t.mul(np.sin(z))))(np.array(0)).x,
    customRoot: (t: Array) => implicit.customRoot((z: Array) => t.mul(np.cos(z)).sub(z), () => np.array(DOTTIE))(np.array(0)),
  };
  it.each(Object.keys(solvers) as (keyof typeof solvers)[])("%s: grad, jvp and jit(grad) at θ = 1 give cos z*/(1 + sin z*)", (name) => {
    const z = solvers[name];
    expect(Math.abs(grad(z)(np.array(1)).item() - dz)).toBeLessThan(1e-10);
    expect(Math.abs(jvp(z, [np.array(1)], [np.array(1)])[1].item() - dz)).toBeLessThan(1e-10);
    expect(Math.abs(jit(grad(z))(np.array(1)).item() - dz)).toBeLessThan(1e-10);
  });
});

describe("implicit gradients equal the unrolled solver's, run to convergence (1e-8)", () => {
  it("a deep-equilibrium layer z = tanh(Wz + Ux + b): gradients in W, U, b", () => {
    const n = 5;
    const W = contraction(1, n, 0.6);
    const U = random.normal(random.key(2), [n, 3]);
    const b = random.normal(random.key(3), [n]);
    const x = np.array([0.5, -1, 2]);
    const T = (z: Array, W: Array, U: Array, b: Array) => np.tanh(np.matmul(W, z).add(np.matmul(U, x)).add(b));
    const loss = (z: Array) => z.mul(np.arange(1, n + 1)).sum();
    const solve = implicit.fixedPoint(T, { method: "anderson", tol: 1e-13 });
    const viaImplicit = grad((W: Array, U: Array, b: Array) => loss(solve(np.zeros([n]), W, U, b).x), { argnums: [0, 1, 2] })(W, U, b);
    const unrolled = (W: Array, U: Array, b: Array) => {
      let z = np.zeros([n]);
      for (let k = 0; k < 200; k++) z = T(z, W, U, b);
      return loss(z);
    };
    const viaUnrolled = grad(unrolled, { argnums: [0, 1, 2] })(W, U, b);
    viaImplicit.forEach((g, i) => expectClose(g.toArray(), viaUnrolled[i]!.toArray() as number[], 1e-8));
  });

  it("argmin of a strictly convex logistic-type objective: gradients in A and b", () => {
    const A = random.normal(random.key(4), [6, 3]).mul(0.5);
    const b = np.array([0.3, -0.2, 0.1]);
    const g = (y: Array, A: Array, b: Array) => np.softplus(np.matmul(A, y)).sum().sub(b.mul(y).sum()).add(y.mul(y).sum().div(2));
    const loss = (y: Array) => y.mul(y).sum().add(y.sum());
    const solve = implicit.argmin(g, { method: "newton" });
    const viaImplicit = grad((A: Array, b: Array) => loss(solve(np.zeros([3]), A, b).x), { argnums: [0, 1] })(A, b);
    // Gradient descent with step 1/L (L ≥ ‖∇²g‖: 1 + ‖A‖²/4), run to convergence.
    const unrolled = (A: Array, b: Array) => {
      let y = np.zeros([3]);
      const step = grad((y: Array) => g(y, A, b));
      for (let k = 0; k < 300; k++) y = y.sub(step(y).mul(0.6));
      return loss(y);
    };
    const viaUnrolled = grad(unrolled, { argnums: [0, 1] })(A, b);
    viaImplicit.forEach((gr, i) => expectClose(gr.toArray(), viaUnrolled[i]!.toArray() as number[], 1e-8));
  });

  it("rootFind of a coupled nonlinear system: gradients in θ and in a closed-over matrix", () => {
    const C = np.array([[0, 0.3, 0], [0.2, 0, 0.1], [0, 0.4, 0]]);
    const F = (y: Array, t: Array) => y.add(np.sin(y).mul(0.5)).add(np.matmul(C, y).mul(0.5)).sub(t);
    const t = np.array([1, -0.5, 2]);
    const solve = implicit.rootFind(F, { method: "broyden", linearSolve: "gmres" });
    const loss = (y: Array) => np.exp(y).sum();
    const viaImplicit = grad((t: Array) => loss(solve(np.zeros([3]), t).x))(t);
    // Newton's method unrolled, with its Jacobian written out.
    const unrolled = (t: Array) => {
      let y = np.zeros([3]);
      for (let k = 0; k < 30; k++) {
        const J = np.add(np.diag(np.cos(y).mul(0.5).add(1)), C.mul(0.5));
        y = y.sub(linalg.solve(J, F(y, t)));
      }
      return loss(y);
    };
    expectClose(viaImplicit.toArray(), grad(unrolled)(t).toArray() as number[], 1e-8);
  });
});

describe("checkGrads at order 2, forward and reverse", () => {
  it("through argmin", () => {
    const solve = implicit.argmin((y: Array, a: Array) => np.cosh(y.sub(a)).sum().add(y.mul(y).sum().mul(a.sum())), { method: "newton", gtol: 1e-11 });
    checkGrads((a: Array) => solve(np.zeros([2]), a).x, [np.array([0.3, 0.7])], { order: 2 });
  });

  it("through rootFind", () => {
    const solve = implicit.rootFind((y: Array, t: Array) => y.pow(3).add(y).sub(t), { tol: 1e-14 });
    checkGrads((t: Array) => solve(np.zeros([2]), t).x, [np.array([1.5, -0.4])], { order: 2 });
  });

  it("through fixedPoint", () => {
    const solve = implicit.fixedPoint((z: Array, t: Array) => t.mul(np.cos(z)), { method: "anderson", tol: 1e-14 });
    checkGrads((t: Array) => solve(np.zeros([2]), t).x, [np.array([0.8, 1.1])], { order: 2 });
  });

  it("through customLinearSolve, in b and in the operator", () => {
    const solveDense = (mv: (x: Array) => Array, b: Array) => linalg.solve(jacfwd(mv)(np.zerosLike(b)), b);
    const f = (M: Array, b: Array) => implicit.customLinearSolve((x: Array) => np.matmul(M, x), b, solveDense);
    checkGrads(f, [np.array([[3, 1], [0.5, 2]]), np.array([1, -1])], { order: 2 });
  });
});

describe("customLinearSolve", () => {
  const M = np.array([[4, 1, 0], [1, 3, 1], [0, 1, 2]]);
  const b = np.array([1, 2, 3]);
  const solveDense = (mv: (x: Array) => Array, b: Array) => linalg.solve(jacfwd(mv)(np.zerosLike(b)), b);

  it("solves, and its derivatives are those of linalg.solve, in both modes", () => {
    const f = (M: Array, b: Array) => implicit.customLinearSolve((x: Array) => np.matmul(M, x), b, solveDense);
    const g = (M: Array, b: Array) => linalg.solve(M, b);
    expectClose(f(M, b).toArray(), g(M, b).toArray() as number[], 1e-12);
    const ct = np.array([1, -2, 0.5]);
    const [, pf] = vjp(f, M, b);
    const [, pg] = vjp(g, M, b);
    pf(ct).forEach((x, i) => expectClose(x.toArray(), pg(ct)[i]!.toArray() as number[], 1e-12));
    const tM = random.normal(random.key(7), [3, 3]);
    expectClose(jvp(f, [M, b], [tM, ct])[1].toArray(), jvp(g, [M, b], [tM, ct])[1].toArray() as number[], 1e-12);
  });

  it("never differentiates the solver: a solver no transformation could trace still works", () => {
    let calls = 0;
    const opaque = (mv: (x: Array) => Array, b: Array) => {
      calls++;
      // Plain JavaScript on numbers: Jacobi iteration for a diagonally dominant matrix.
      const rhs = b.toArray() as number[];
      let x = rhs.map(() => 0);
      const diag = [0, 1, 2].map((i) => (mv(np.eye(3).slice(i)).toArray() as number[])[i]!);
      for (let k = 0; k < 200; k++) {
        const Ax = mv(np.array(x)).toArray() as number[];
        x = x.map((xi, i) => xi + (rhs[i]! - Ax[i]!) / diag[i]!);
      }
      return np.array(x);
    };
    const f = (b: Array) => implicit.customLinearSolve((x: Array) => np.matmul(M, x), b, opaque, { symmetric: true }).sum();
    expectClose(grad(f)(b).toArray(), linalg.solve(M, np.ones([3])).toArray() as number[], 1e-10);
    expect(calls).toBe(2); // the forward solve, then one transposed solve
  });

  it("takes pytrees and a transposeSolve for reverse mode", () => {
    const mv = (x: { a: Array; b: Array }) => ({ a: x.a.mul(2).add(x.b), b: x.b.mul(3) });
    const upper = (m: typeof mv, r: { a: Array; b: Array }) => {
      void m;
      const xb = r.b.div(3);
      return { a: r.a.sub(xb).div(2), b: xb };
    };
    // Aᵀ = [[2, 0], [1, 3]]: lower triangular.
    const lower = (m: typeof mv, r: { a: Array; b: Array }) => {
      void m;
      const xa = r.a.div(2);
      return { a: xa, b: r.b.sub(xa).div(3) };
    };
    const f = (r: { a: Array; b: Array }) => {
      const x = implicit.customLinearSolve(mv, r, upper, { transposeSolve: lower });
      return x.a.add(x.b.mul(2)).sum();
    };
    const r = { a: np.array(1), b: np.array(3) };
    // x = A⁻¹r; the gradient is A⁻ᵀ·[1, 2] = [1/2, (2 − 1/2)/3].
    const g = grad(f)(r);
    expect(g.a.item()).toBeCloseTo(0.5, 14);
    expect(g.b.item()).toBeCloseTo(0.5, 14);
  });

  it("a matvec that changes shapes is an error naming both", () => {
    expect(errorOf(() => implicit.customLinearSolve((x: Array) => x.sum(), b, solveDense))).toMatch(/customLinearSolve.*matvec must map x to b's structure, shapes and dtypes.*\(3,\).*got.*\(\)/);
  });

  it("a solver returning the wrong shape is an error naming it", () => {
    expect(errorOf(() => implicit.customLinearSolve((x: Array) => x, b, () => np.zeros([2])))).toMatch(/customLinearSolve: solve's result has shape \(2,\).*not b's shape \(3,\)/);
  });
});

describe("vmap, jit and pytrees", () => {
  const dottie = (z: Array, t: Array) => t.mul(np.cos(z));

  it("vmap over a batch of problems equals a loop, values and gradients, with statuses per example", () => {
    const solve = implicit.fixedPoint(dottie, { method: "anderson", tol: 1e-13 });
    const ts = [0.3, 0.8, 1, 1.2];
    const batched = vmap((t: Array) => solve(np.array(0), t))(np.array(ts));
    const looped = ts.map((t) => solve(np.array(0), np.array(t)).x.item());
    expectClose(batched.x.toArray(), looped, 1e-15);
    expect(batched.status.toArray()).toEqual([0, 0, 0, 0]);
    const gradOf = grad((t: Array) => solve(np.array(0), t).x);
    expectClose(vmap(gradOf)(np.array(ts)).toArray(), ts.map((t) => gradOf(np.array(t)).item()), 1e-15);
  });

  it("jit of a function that calls fixedPoint equals eager, and so does its gradient", () => {
    const solve = implicit.fixedPoint(dottie, { tol: 1e-13 });
    const f = (t: Array) => solve(np.array(0), t).x.mul(t);
    const t = np.array(0.9);
    expect(jit(f)(t).item()).toBe(f(t).item());
    expect(jit(grad(f))(t).item()).toBe(grad(f)(t).item());
  });

  it("y and the arguments may be pytrees", () => {
    // y = {u, v} with u = a·v, v = b − u/2: u = ab/(1 + a/2), v = b/(1 + a/2).
    const F = (y: { u: Array; v: Array }, p: { a: Array; b: Array }) => ({ u: y.u.sub(p.a.mul(y.v)), v: y.v.sub(p.b.sub(y.u.div(2))) });
    const solve = implicit.rootFind(F, { linearSolve: "dense" });
    const p = { a: np.array(2), b: np.array(3) };
    const r = solve({ u: np.array(0), v: np.array(0) }, p);
    expect(r.x.u.item()).toBeCloseTo(3, 12);
    expect(r.x.v.item()).toBeCloseTo(1.5, 12);
    const g = grad((p: { a: Array; b: Array }) => solve({ u: np.array(0), v: np.array(0) }, p).x.v)(p);
    // v = b/(1 + a/2): ∂v/∂a = −b/(2(1 + a/2)²) = −0.375, ∂v/∂b = 1/(1 + a/2) = 0.5.
    expect(g.a.item()).toBeCloseTo(-0.375, 12);
    expect(g.b.item()).toBeCloseTo(0.5, 12);
  });

  it("float32 problems keep float32", () => {
    const solve = implicit.fixedPoint(dottie, { tol: 1e-6 });
    const r = solve(np.array(0, { dtype: "float32" }), np.array(1, { dtype: "float32" }));
    expect(r.x.dtype).toBe("float32");
    expect(Math.abs(r.x.item() - DOTTIE)).toBeLessThan(1e-5);
  });
});

describe("customRoot wraps any solver", () => {
  // √θ by bisection on numbers: nothing a transformation could trace.
  const bisect = (_y0: Array, t: Array) => {
    let [lo, hi] = [0, Math.max(1, t.item())];
    for (let k = 0; k < 200; k++) {
      const mid = (lo + hi) / 2;
      if (mid * mid < t.item()) lo = mid;
      else hi = mid;
    }
    return np.array(lo);
  };
  const sqrt = implicit.customRoot((y: Array, t: Array) => y.mul(y).sub(t), bisect);

  it("differentiates a bisection it never looks inside, to second order", () => {
    expect(sqrt(np.array(1), np.array(4)).item()).toBeCloseTo(2, 14);
    expect(grad((t: Array) => sqrt(np.array(1), t))(np.array(4)).item()).toBeCloseTo(0.25, 12);
    expect(grad(grad((t: Array) => sqrt(np.array(1), t)))(np.array(4)).item()).toBeCloseTo(-1 / 32, 10);
  });

  it("a solver that calls minimize", () => {
    const viaMinimize = implicit.customRoot(
      (y: Array, t: Array) => y.sub(t.mul(2)),
      (_y0: Array, t: Array) => np.array(0).add(implicitMin(t)),
      { linearSolve: "dense" },
    );
    expect(grad((t: Array) => viaMinimize(np.array(0), t))(np.array(1.5)).item()).toBeCloseTo(2, 12);
  });
});

// The minimizer of (y − 2t)², found by a solver that knows nothing of tracing.
function implicitMin(t: Array): Array {
  let y = 0;
  for (let k = 0; k < 100; k++) y -= 0.5 * 2 * (y - 2 * t.item());
  return np.array(y);
}

describe("statuses and errors", () => {
  // z ↦ t·z + 1 with t = 2 pushes z away from its fixed point −1.
  const diverging = implicit.fixedPoint((z: Array, t: Array) => t.mul(z).add(1), { maxIter: 50 });

  it("a forward solve that did not converge is reported, and its derivative refused", () => {
    const r = diverging(np.array(0), np.array(2));
    expect(r.success.item()).toBe(0);
    expect(implicit.STATUS[r.status.item()]).toBe("maxIter");
    expect(r.nit.item()).toBe(50);
    expect(errorOf(() => grad((t: Array) => diverging(np.array(0), t).x)(np.array(2)))).toMatch(
      /implicit\.fixedPoint: the forward solve did not converge \(status "maxIter"\).*allowUnconverged/,
    );
    expect(errorOf(() => jvp((t: Array) => diverging(np.array(0), t).x, [np.array(2)], [np.array(1)]))).toMatch(/did not converge/);
    // ...also when the check can only happen as the compiled function runs.
    expect(errorOf(() => jit(grad((t: Array) => diverging(np.array(0), t).x))(np.array(2)))).toMatch(/did not converge/);
  });

  it("allowUnconverged differentiates anyway", () => {
    const anyway = implicit.fixedPoint((z: Array, t: Array) => t.mul(z).add(1), { maxIter: 50, allowUnconverged: true });
    // The implicit derivative at the last iterate z: dz/dt = z/(1 − t).
    const z = anyway(np.array(0), np.array(2)).x.item();
    expect(grad((t: Array) => anyway(np.array(0), t).x)(np.array(2)).item()).toBeCloseTo(-z, 6);
  });

  it("a non-finite forward solve is reported as nonFinite", () => {
    const r = implicit.fixedPoint((z: Array) => z.mul(z).add(1))(np.array(2));
    expect(implicit.STATUS[r.status.item()]).toBe("nonFinite");
  });

  it("a backward linear solve that fails names the solver, the residual and the iterations", () => {
    // F(y, t) = [y₀ − t, y₀ − t] has a singular Jacobian in y: y₁ is not determined.
    const F = (y: Array, t: Array) => np.stack([y.slice(0).sub(t), y.slice(0).sub(t)]);
    const withSolve = (linearSolve: "gmres" | "dense" | "cg" | "bicgstab") => {
      const solve = implicit.customRoot(F, (_y0: Array, t: Array) => np.stack([t, np.array(0)]), { linearSolve });
      return errorOf(() => grad((t: Array) => solve(np.zeros([2]), t).sum())(np.array(1)));
    };
    expect(withSolve("gmres")).toMatch(/implicit\.customRoot: the derivative's linear solve \(gmres\) did not converge: relative residual 1\.00e\+0 after \d+ iterations \(maxIter\)/);
    expect(withSolve("cg")).toMatch(/linear solve \(cg\) did not converge.*notPositiveDefinite/);
    expect(withSolve("bicgstab")).toMatch(/linear solve \(bicgstab\) did not converge/);
    expect(withSolve("dense")).toMatch(/implicit\.customRoot: the derivative's linear system \(dense, 2×2\) cannot be solved \(solve: the matrix is singular/);
  });

  it("a ridge regularizes a singular system", () => {
    const F = (y: Array, t: Array) => np.stack([y.slice(0).sub(t), y.slice(0).sub(t)]);
    const solve = implicit.customRoot(F, (_y0: Array, t: Array) => np.stack([t, np.array(0)]), { linearSolve: "dense", ridge: 1e-8 });
    expect(Number.isFinite(grad((t: Array) => solve(np.zeros([2]), t).sum())(np.array(1)).item())).toBe(true);
  });

  it("bad options and functions are clear errors", () => {
    expect(errorOf(() => implicit.rootFind((y: Array) => y, { method: "secant" as "newton" }))).toMatch(/implicit\.rootFind: method "secant" is not one of newton, broyden/);
    expect(errorOf(() => implicit.fixedPoint((z: Array) => z, { tol: -1 }))).toMatch(/implicit\.fixedPoint: tol must be a finite number ≥ 0/);
    expect(errorOf(() => implicit.fixedPoint((z: Array) => z, { linearSolve: "lu" as "dense" }))).toMatch(/linearSolve "lu" is not one of dense, cg, minres, gmres, bicgstab/);
    expect(errorOf(() => implicit.fixedPoint((z: Array) => z, { toll: 1 } as object))).toMatch(/unknown option\(s\) toll/);
    expect(errorOf(() => implicit.rootFind(3 as unknown as (y: Array) => Array))).toMatch(/implicit\.rootFind: F must be a function/);
  });

  it("F returning another shape than y is an error naming both", () => {
    expect(errorOf(() => implicit.rootFind((y: Array) => y.sum())(np.zeros([3])))).toMatch(/implicit\.rootFind: F must return y's structure.*\(3,\).*got.*\(\)/);
  });

  it("argmin refuses constraints and bounds, whose minimizers need not have ∇g = 0", () => {
    const g = (y: Array, t: Array) => y.sub(t).square().sum();
    const unit = [{ type: "eq" as const, fun: (y: Array) => y.sum().sub(1) }];
    expect(errorOf(() => implicit.argmin(g, { method: "slsqp", constraints: unit }))).toMatch(/^implicit\.argmin: constraints and bounds are not supported.*implicit\.qp/);
    expect(errorOf(() => implicit.argmin<Array, [Array]>(g, { method: "lbfgsb", bounds: [0, 1] }))).toMatch(/^implicit\.argmin: constraints and bounds are not supported/);
  });
});
