// The matrix-free solvers are differentiable through customLinearSolve: their derivatives
// equal linalg.solve's, in both modes and at order 2, without differentiating iterations.
import { describe, expect, it } from "vitest";
import { checkGrads, grad, jit, jvp, linalg, np, random, vjp, vmap, type Array } from "nabla";
import { errorOf, expectClose } from "../helpers.js";

const n = 6;
const G = random.normal(random.key(1), [n, n]);
const spd = np.add(np.matmul(G, G.T).div(n), np.eye(n)); // symmetric positive definite
const indefinite = np.sub(spd, np.eye(n).mul(1.5)); // symmetric, not definite
const nonsymmetric = np.add(np.eye(n).mul(3), G.mul(0.4));
const b = random.normal(random.key(2), [n]);

const cases = [
  ["cg", linalg.cg, spd],
  ["minres", linalg.minres, indefinite],
  ["gmres", linalg.gmres, nonsymmetric],
  ["bicgstab", linalg.bicgstab, nonsymmetric],
] as const;

describe.each(cases)("linalg.%s", (_name, solver, A0) => {
  const viaSolver = (A: Array, b: Array) => solver((v) => np.matmul(A, v), b, { tol: 1e-13 }).x;
  const viaDense = (A: Array, b: Array) => linalg.solve(A, b);

  it("reverse mode in A and b equals linalg.solve's", () => {
    const ct = random.normal(random.key(3), [n]);
    const [, pullS] = vjp(viaSolver, A0, b);
    const [, pullD] = vjp(viaDense, A0, b);
    const [gA, gb] = pullS(ct);
    const [dA, db] = pullD(ct);
    expectClose(gb.toArray(), db.toArray() as number[], 1e-9);
    expectClose(gA.toArray(), dA.toArray() as number[][], 1e-9);
  });

  it("forward mode in A and b equals linalg.solve's", () => {
    const tA = random.normal(random.key(4), [n, n]);
    const tb = random.normal(random.key(5), [n]);
    const fwd = jvp(viaSolver, [A0, b], [tA, tb])[1];
    expectClose(fwd.toArray(), jvp(viaDense, [A0, b], [tA, tb])[1].toArray() as number[], 1e-9);
  });

  it("checkGrads at order 2, through a scalar of the solution", () => {
    // Symmetric perturbations keep cg's and minres's operators symmetric.
    const f = (s: Array, b: Array) => viaSolver(A0.add(np.eye(n).mul(s)), b).square().sum();
    checkGrads(f, [np.array(0.1), b], { order: 2, rtol: 1e-4 });
  });
});

describe("the record under transformations", () => {
  it("under grad the record is the value's solve", () => {
    let record: { nit: number; status: string } | undefined;
    grad((b: Array) => {
      const r = linalg.cg((v) => np.matmul(spd, v), b);
      record = r;
      return r.x.sum();
    })(b);
    expect(record!.status).toBe("converged");
    expect(record!.nit).toBeGreaterThan(0);
  });

  it("under vmap the record summarizes every example's solve, x is per example", () => {
    const bs = random.normal(random.key(6), [3, n]);
    let messages = "";
    const xs = vmap((b: Array) => {
      const r = linalg.gmres((v) => np.matmul(nonsymmetric, v), b);
      messages = r.message;
      return r.x;
    })(bs);
    expectClose(xs.toArray(), np.stack(np.unstack(bs).map((bi) => linalg.solve(nonsymmetric, bi))).toArray() as number[][], 1e-9);
    expect(messages).toMatch(/^3 solves \(one per example\); the worst: gmres: /);
  });

  it("under jit the record cannot exist: a clear error pointing to customLinearSolve", () => {
    expect(errorOf(() => jit((b: Array) => linalg.cg((v) => np.matmul(spd, v), b).x)(b))).toMatch(
      /linalg\.cg: under jit .* implicit\.customLinearSolve with linalg\.cg inside its solve/,
    );
  });

  it("a derivative solve that fails is an error naming the solver, residual and iterations", () => {
    const f = (b: Array) => linalg.cg((v) => np.matmul(spd, v), b, { maxIter: 2 }).x.sum();
    const r = linalg.cg((v) => np.matmul(spd, v), b, { maxIter: 2 });
    expect(r.success).toBe(false); // the value's record says so...
    // ...and a derivative from the same budget would be wrong, so it is refused.
    expect(errorOf(() => grad(f)(b))).toMatch(/linalg\.cg: the solve for a derivative did not converge: relative residual .* after 2 iterations \(maxIter\)/);
  });

  it("a float64 operator on a float32 right-hand side keeps float32, derivatives included", () => {
    const b32 = np.astype(b, "float32");
    const g = grad((b: Array) => linalg.cg((v) => np.matmul(spd, v), b).x.sum())(b32);
    expect(g.dtype).toBe("float32");
    expectClose(g.toArray(), linalg.solve(spd, np.ones([n])).toArray() as number[], 1e-5);
  });
});
