// A linear solve x = A⁻¹·b whose derivatives come from solving with A again (and with
// Aᵀ in reverse mode), never from differentiating the solver's iterations: JAX's
// lax.custom_linear_solve. The solver runs on concrete values, so it may be any code
// (an eager Krylov method, a dense factorization); only `matvec` is traced.
import { isFloat } from "../array/index.js";
import { Array, bind, definePrimitive, np, tree, type IR, type Primitive, type Tree, type TreeDef, batchByLoop } from "../core/index.js";
import { checkedLeaves, opOf, outputLeaves } from "./args.js";
import { avalsOf, concrete, describeAvals, jvpIR, runIR, sameAvals, storages, traceFn, vjpIR } from "./control/traced.js";
import type { GradOf } from "./types.js";

/** A solver for A·x = b given A as a function: returns x with b's structure, shapes and dtypes. */
export type LinearSolver<X = Tree> = (matvec: (x: X) => X, b: X) => X;

export interface LinearSolveOptions<X = Tree> {
  /** Solves Aᵀ·x = b (given Aᵀ as a function) in reverse mode; default: `solve` itself. */
  transposeSolve?: LinearSolver<X>;
  /** A = Aᵀ: reverse mode then solves with `matvec` itself, not its transpose. */
  symmetric?: boolean;
}

interface LinearSolveParams {
  /** What errors name: customLinearSolve, or the caller (linalg.cg …). */
  op: string;
  /** A·x, staged: [...consts, ...x] → A·x, where consts are what matvec closes over. */
  matvecIR: IR;
  nConsts: number;
  /** The structure of x and b. */
  def: TreeDef;
  /** The solver of the value itself, */
  solve: LinearSolver;
  /** of the derivatives with A (forward mode), */
  tangentSolve: LinearSolver;
  /** and with Aᵀ (reverse mode). */
  transposeSolve: LinearSolver;
  symmetric: boolean;
}

const split = <T>(xs: readonly T[], p: LinearSolveParams): [T[], T[]] => [xs.slice(0, p.nConsts), xs.slice(p.nConsts)];

/** Binds the solve of A·x = rhs (A as in `p`): the one place a solve enters a program. */
function solveWith(p: LinearSolveParams, consts: readonly Array[], rhs: readonly Array[]): Array[] {
  return bind(linearSolvePrimitive, [...consts, ...rhs], p);
}

/**
 * The solve with Aᵀ: a matvec u ↦ Aᵀ·u staged from the VJP of A's matvec (A is linear
 * in x, so the point it is taken at does not matter: zeros), and the two solvers swapped.
 */
function transposed(p: LinearSolveParams, consts: readonly Array[], like: readonly Array[]): [LinearSolveParams, Array[]] {
  const swapped = { solve: p.transposeSolve, tangentSolve: p.transposeSolve, transposeSolve: p.tangentSolve };
  if (p.symmetric) return [{ ...p, ...swapped }, [...consts]];
  const zeros = like.map((x) => np.zerosLike(x));
  const inX = [...consts.map(() => false), ...like.map(() => true)];
  const traced = traceFn((u: Tree) => tree.unflatten(p.def, vjpIR(p.matvecIR, [...consts, ...zeros], tree.flatten(u)[0] as Array[], inX).slice(p.nConsts)), [p.def], avalsOf(like));
  return [{ ...p, ...swapped, matvecIR: traced.ir, nConsts: traced.consts.length }, traced.consts];
}

export const linearSolvePrimitive: Primitive<LinearSolveParams> = definePrimitive<LinearSolveParams>({
  name: "custom_linear_solve",
  shapeRule(inputs, p) {
    const b = split(inputs, p)[1];
    const bad = b.find((a) => !isFloat(a.dtype));
    if (bad) throw new Error(`${p.op}: b must be floating point, got ${bad.dtype}`);
    return b.map((a) => ({ shape: a.shape, dtype: a.dtype }));
  },
  impl(inputs, p, outs) {
    const [consts, b] = split(concrete(inputs), p);
    // A solver working in float64 on a float32 system is served: the argument is cast.
    const cast = (x: Tree) => {
      const [leaves, def] = tree.flatten(x);
      return tree.unflatten(def, leaves.map((l, k) => (l instanceof Array && isFloat(l.dtype) && outs[k] ? np.astype(l, outs[k]!.dtype) : l)));
    };
    const matvec = (x: Tree) => tree.unflatten(p.def, runIR(p.matvecIR, [...consts, ...leavesLike(p, "matvec's argument", cast(x), outs)]));
    const x = p.solve(matvec, tree.unflatten(p.def, b));
    return storages(leavesLike(p, "solve's result", x, outs));
  },
  jvp(primals, tangents, p) {
    const [consts, b] = split(primals, p);
    const [tc, tb] = split(tangents, p);
    const x = solveWith(p, consts, b);
    if (tangents.every((t) => t === null)) return [x, x.map(() => null)];
    // A·x = b, so A·ẋ = ḃ − Ȧ·x, where Ȧ·x is matvec's tangent from its closed-over values.
    let rhs = b.map((bi, i) => tb[i] ?? np.zerosLike(bi));
    if (tc.some((t) => t !== null)) {
      const [, dAx] = jvpIR(p.matvecIR, [...consts, ...x], [...tc, ...x.map(() => null)], true);
      rhs = rhs.map((r, i) => (dAx[i] ? np.sub(r, dAx[i]!) : r));
    }
    return [x, solveWith({ ...p, solve: p.tangentSolve }, consts, rhs)];
  },
  vjp(cts, inputs, outputs, p, wanted) {
    const consts = split(inputs, p)[0];
    const xbar = outputs.map((x, i) => cts[i] ?? np.zerosLike(x));
    // b̄ = A⁻ᵀ·x̄; the closed-over values get −(∂(A·x)/∂c)ᵀ·b̄.
    const [pt, tconsts] = transposed(p, consts, xbar);
    const bbar = solveWith(pt, tconsts, xbar);
    const wantConsts = wanted.slice(0, p.nConsts).some(Boolean);
    const cbar = wantConsts ? vjpIR(p.matvecIR, [...consts, ...outputs], bbar, wanted.map((w, i) => w && i < p.nConsts)).slice(0, p.nConsts).map((g) => (g ? np.neg(g) : null)) : consts.map(() => null);
    return [...cbar, ...bbar].map((g, i) => (wanted[i] ? g : null));
  },
  // Each example is its own system, solved (and its status kept) on its own.
  batch: (args, batched, p, size) => batchByLoop(linearSolvePrimitive, args, batched, p, size),
});

/** x's leaves, checked to have b's structure, shapes and dtypes. */
function leavesLike(p: LinearSolveParams, what: string, x: unknown, like: readonly { shape: readonly number[]; dtype: Array["dtype"] }[]): Array[] {
  return checkedLeaves(`${p.op}: ${what}`, x, p.def, like as never, "b's", false) as Array[];
}

/**
 * x = A⁻¹·b from any solver, differentiable through the solve rather than through the
 * solver (JAX's `lax.custom_linear_solve`): forward mode solves A·ẋ = ḃ − Ȧ·x and reverse
 * mode Aᵀ·b̄ = x̄, each with your solver, so the solver's steps are never differentiated
 * and may be any code (eager, iterative, non-traceable). A is given as `matvec`, a linear
 * function; derivatives flow to `b` and to every Array `matvec` closes over. `b` and x are
 * pytrees of float Arrays. `solve(matvec, b)` is called with concrete values; under `vmap`
 * it is called once per example. Reverse mode calls `transposeSolve` (default `solve`)
 * with u ↦ Aᵀ·u, or with `matvec` itself when `symmetric`.
 *
 * @example
 * const A = np.array([[4, 1], [1, 3]]);
 * const solveDense = (mv, b) => linalg.solve(jacfwd(mv)(np.zerosLike(b)), b);
 * const f = (a: Array) => customLinearSolve((x) => np.matmul(A.mul(a), x), np.array([1, 2]), solveDense).sum();
 * grad(f)(np.array(2)); // −f(2)/2: x is proportional to 1/a
 */
export function customLinearSolve<X extends Tree>(matvec: (x: X) => X, b: X, solve: LinearSolver<X>, opts: LinearSolveOptions<X> = {}): GradOf<X> {
  return linearSolveNamed(opOf("customLinearSolve", matvec), matvec, b, solve, opts);
}

/**
 * `customLinearSolve`, with errors named after the function the user called (`linalg.cg`),
 * and optionally another solver for the derivatives than for the value (`linalg.cg`
 * records the value's solve for its report, and lets a derivative's failure throw).
 */
export function linearSolveNamed<X extends Tree>(op: string, matvec: (x: X) => X, b: X, solve: LinearSolver<X>, opts: LinearSolveOptions<X> = {}, tangentSolve: LinearSolver<X> = solve): GradOf<X> {
  if (typeof matvec !== "function") throw new Error(`${op}: matvec must be a function, got ${typeof matvec}`);
  if (typeof solve !== "function") throw new Error(`${op}: solve must be a function, got ${typeof solve}`);
  const unknown = Object.keys(opts).filter((k) => k !== "transposeSolve" && k !== "symmetric");
  if (unknown.length > 0) throw new Error(`${op}: unknown option(s) ${unknown.join(", ")}; expected transposeSolve, symmetric`);
  if (opts.transposeSolve !== undefined && typeof opts.transposeSolve !== "function") throw new Error(`${op}: transposeSolve must be a function`);
  const [leaves, def] = outputLeaves(b);
  const avals = avalsOf(leaves);
  const traced = traceFn(matvec, [def], avals);
  if (!traced.outDef.equals(def) || !sameAvals(traced.outAvals, avals)) {
    throw new Error(`${op}: matvec must map x to b's structure, shapes and dtypes ${def} ${describeAvals(avals)}, got ${traced.outDef} ${describeAvals(traced.outAvals)}`);
  }
  const outs = bind(linearSolvePrimitive, [...traced.consts, ...leaves], {
    op,
    matvecIR: traced.ir,
    nConsts: traced.consts.length,
    def,
    solve: solve as LinearSolver,
    tangentSolve: tangentSolve as LinearSolver,
    transposeSolve: (opts.transposeSolve ?? tangentSolve) as LinearSolver,
    symmetric: opts.symmetric ?? false,
  });
  return tree.unflatten(def, outs) as GradOf<X>;
}
