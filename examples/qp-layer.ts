// A quadratic program as a differentiable layer (as in OptNet):
//   x*(Q, q, A, b) = argmin_x ½xᵀQx + qᵀx  subject to  Ax = b,
// solved through its KKT conditions F([x, ν]) = [Qx + q + Aᵀν, Ax − b] = 0 with
// `implicit.rootFind`, so that a loss downstream of x* has gradients in Q, q, A and b by
// the implicit function theorem. The gradients are checked against central finite
// differences of the layer (every entry of Q, q, A, b) and against the closed-form KKT
// adjoint, and the same layer written with `implicit.customLinearSolve` on the KKT matrix
// gives the same gradients. Run: npm run example -- qp-layer
// (NABLA_EXAMPLE_SMALL=1 solves a smaller QP.)
import { grad, implicit, jit, linalg, np, random, ravelPytree, vmap, type Array } from "nabla";

const small = process.env.NABLA_EXAMPLE_SMALL === "1";
const N = small ? 4 : 10; // variables
const M = small ? 2 : 3; // equality constraints

const [kM, kq, kA, kb, kT, kBatch] = random.split(random.key(5), 6);
const R = random.normal(kM!, [N, N]);
const Q = np.add(np.matmul(R.T, R), np.eye(N)); // symmetric positive definite
const q = random.normal(kq!, [N]);
const A = random.normal(kA!, [M, N]);
const b = random.normal(kb!, [M]);
const target = random.normal(kT!, [N]);

type KKT = { x: Array; nu: Array };

/** The KKT residual: stationarity of the Lagrangian and primal feasibility. */
const F = (y: KKT, Q: Array, q: Array, A: Array, b: Array): KKT => ({
  x: np.add(np.add(np.matmul(Q, y.x), q), np.matmul(A.T, y.nu)),
  nu: np.sub(np.matmul(A, y.x), b),
});
// F is linear in y: Newton's method lands on the root in one step. The derivative's
// (N + M)×(N + M) KKT system is symmetric but indefinite (not for CG); "dense" factors it.
const qp = implicit.rootFind(F, { linearSolve: "dense" });
const start: KKT = { x: np.zeros([N]), nu: np.zeros([M]) };

/** A loss downstream of the layer. */
const loss = (x: Array) => np.mul(0.5, np.sum(np.square(np.sub(x, target))));
const viaRoot = (Q: Array, q: Array, A: Array, b: Array) => loss(qp(start, Q, q, A, b).x.x);

// The same layer as one linear solve K·[x; ν] = [−q; b], K = [[Q, Aᵀ], [A, 0]], whose
// derivatives come from solving with K again. The solver sees only K's matvec (it runs on
// concrete values): it builds K column by column and factors it.
const kktMatvec = (Q: Array, A: Array) => (y: KKT): KKT => ({ x: np.add(np.matmul(Q, y.x), np.matmul(A.T, y.nu)), nu: np.matmul(A, y.x) });
const denseSolve = (matvec: (y: KKT) => KKT, rhs: KKT): KKT => {
  const [r, unravel] = ravelPytree(rhs);
  const cols = np.unstack(np.eye(r.size)).map((e) => ravelPytree(matvec(unravel(e) as KKT))[0]);
  return unravel(linalg.solve(np.stack(cols, { axis: 1 }), r)) as KKT;
};
const viaLinearSolve = (Q: Array, q: Array, A: Array, b: Array) =>
  loss(implicit.customLinearSolve(kktMatvec(Q, A), { x: np.neg(q), nu: b }, denseSolve, { symmetric: true }).x);

// The layer's answer against the closed-form KKT solve.
const sol = qp(start, Q, q, A, b);
const K = np.concatenate([np.concatenate([Q, A.T], { axis: 1 }), np.concatenate([A, np.zeros([M, M])], { axis: 1 })]);
const exact = linalg.solve(K, np.concatenate([np.neg(q), b]));
const [xStar, nuStar] = [exact.slice([0, N]), exact.slice([N, N + M])];
const solErr = np.max(np.abs(np.sub(sol.x.x, xStar))).item();
console.log(`QP with ${N} variables and ${M} equality constraints: Newton took ${sol.nit.item()} step, KKT residual ${sol.residual.item().toExponential(1)}, |x* − closed form| ≤ ${solErr.toExponential(1)}`);

const argnums = [0, 1, 2, 3] as const;
const names = ["Q", "q", "A", "b"];
const params = [Q, q, A, b];
const gRoot = grad(viaRoot, { argnums })(Q, q, A, b);
const gJit = jit(grad(viaRoot, { argnums }))(Q, q, A, b);
const gLin = grad(viaLinearSolve, { argnums })(Q, q, A, b);

// The closed-form adjoint: K·λ = ∂L/∂[x; ν] = [x* − target; 0] (K is symmetric), then
// Q̄ = −λₓx*ᵀ, q̄ = −λₓ, Ā = −(ν*λₓᵀ + λ_νx*ᵀ), b̄ = λ_ν.
const lam = linalg.solve(K, np.concatenate([np.sub(xStar, target), np.zeros([M])]));
const [lx, lnu] = [lam.slice([0, N]), lam.slice([N, N + M])];
const gExact = [np.neg(np.outer(lx, xStar)), np.neg(lx), np.neg(np.add(np.outer(nuStar, lx), np.outer(lnu, xStar))), lnu];

/** max |a − b| / max |b| over all four gradients. */
const relErr = (a: readonly Array[], b: readonly Array[]) =>
  Math.max(...a.map((ai, i) => np.max(np.abs(np.sub(ai, b[i]!))).item() / np.max(np.abs(b[i]!)).item()));

// Central finite differences of the layer itself, entry by entry. (Q's entries count as
// independent: the gradient in Q is the full matrix, not its symmetric part, as F uses Q·x.)
const h = 1e-6;
const t0 = performance.now();
const gFd = params.map((p, which) => {
  const flat = [...p.toFloat64Array()];
  const entry = (i: number, s: number) => {
    const moved = params.map((P, j) => (j === which ? np.reshape(np.array(flat.map((v, k) => (k === i ? v + s : v))), p.shape) : P));
    return viaRoot(moved[0]!, moved[1]!, moved[2]!, moved[3]!).item();
  };
  return np.reshape(np.array(flat.map((_, i) => (entry(i, h) - entry(i, -h)) / (2 * h))), p.shape);
});
const fdSeconds = (performance.now() - t0) / 1000;
const entries = params.reduce((s, p) => s + p.size, 0);

const errFd = relErr(gRoot, gFd);
const errExact = relErr(gRoot, gExact);
const errLin = relErr(gLin, gExact);
const errJit = relErr(gJit, gRoot);

// As a layer on a batch: vmap over 8 linear terms q, against the closed form.
const qs = random.normal(kBatch!, [8, N]);
const xs = vmap((qi: Array) => qp(start, Q, qi, A, b).x.x)(qs);
const xsExact = np.stack(np.unstack(qs).map((qi) => linalg.solve(K, np.concatenate([np.neg(qi), b])).slice([0, N])));
const errBatch = np.max(np.abs(np.sub(xs, xsExact))).item();
console.log(`gradients of L = ½‖x* − target‖² in Q, q, A, b (${entries} entries), max relative error per parameter:`);
console.log(`  vs central differences (h = ${h.toExponential(0)}, ${2 * entries} solves, ${fdSeconds.toFixed(1)} s): ` + names.map((n, i) => `${n} ${relErr([gRoot[i]!], [gFd[i]!]).toExponential(1)}`).join(", "));
console.log(`  vs the closed-form KKT adjoint: ${errExact.toExponential(1)};  customLinearSolve layer vs closed form: ${errLin.toExponential(1)}`);
console.log(`  jit(grad) vs grad: ${errJit.toExponential(1)};  vmap over a batch of 8 q's vs closed form: |Δx| ≤ ${errBatch.toExponential(1)}`);
console.log(`  ∂L/∂b = [${[...gRoot[3].toFloat64Array()].map((v) => v.toFixed(8)).join(", ")}]`);

if (!(solErr < 1e-10)) throw new Error(`the layer's x* differs from the closed-form KKT solution by ${solErr}`);
if (!(errFd < 1e-6)) throw new Error(`gradients differ from finite differences: ${errFd}`);
if (!(errJit < 1e-12 && errBatch < 1e-10)) throw new Error(`jit or vmap disagrees: ${errJit}, ${errBatch}`);
if (!(errExact < 1e-10 && errLin < 1e-10)) throw new Error(`gradients differ from the closed-form adjoint: rootFind ${errExact}, customLinearSolve ${errLin}`);
console.log("check passed: x* and all gradients match the closed form to 1e-10 (also under jit and vmap), and finite differences to 1e-6");
