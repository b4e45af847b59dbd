// The implicit function theorem as a primitive: y*(θ) with F(y*, θ) = 0 has
// ∂y*/∂θ = −(∂F/∂y)⁻¹·∂F/∂θ, so a solver's answer is differentiated with one linear solve,
// whatever the solver did (JAX's lax.custom_root, jaxopt's implicit_diff). The solver
// runs on concrete values and may be any code; only F is traced.
import { bind, definePrimitive, np, tree, type Array, type IR, type Primitive, type Tree, type TreeDef, batchByLoop } from "../core/index.js";
import {
  avalsOf,
  checkedLeaves,
  concrete,
  customLinearSolve,
  describeAvals,
  guardStatus,
  jvpIR,
  outputLeaves,
  sameAvals,
  storages,
  traceFn,
  vjpIR,
  type GradOf,
  type LinearSolver,
} from "../transforms/index.js";

/** How a forward solve ended; `status` in a result is the index in this list. */
export const STATUS = ["converged", "maxIter", "nonFinite", "failed"] as const;
export type SolveStatus = (typeof STATUS)[number];

/** What a forward solver reports: its answer and how it got there. */
export interface SolveReport {
  x: Tree;
  status: SolveStatus;
  nit: number;
  /** max |F(x)|: how far from a root the answer is. */
  residual: number;
}

interface RootParams {
  op: string;
  /** F, staged: [...consts, ...y, ...args] → F(y, ...args), y's structure and shapes. */
  FIR: IR;
  nConsts: number;
  yDef: TreeDef;
  argDefs: readonly TreeDef[];
  solve: (y0: Tree, args: Tree[]) => SolveReport;
  /** Solves J·v = r for J = ∂F/∂y (and Jᵀ, given as its matvec, in reverse mode). */
  linearSolve: LinearSolver;
  /** J = Jᵀ (F is a gradient): reverse mode reuses J's matvec. */
  symmetric: boolean;
  /** Differentiate even when the forward solve did not converge. */
  allowUnconverged: boolean;
  /** What an error refusing that suggests ("loosen tol, raise maxIter"). */
  hint: string;
}

/** The inputs [...consts, ...y0, ...args] in their three groups. */
function groups<T>(xs: readonly T[], p: RootParams): [T[], T[], T[]] {
  const ny = p.yDef.numLeaves;
  return [xs.slice(0, p.nConsts), xs.slice(p.nConsts, p.nConsts + ny), xs.slice(p.nConsts + ny)];
}

function argTrees(leaves: readonly Array[], p: RootParams): Tree[] {
  let k = 0;
  return p.argDefs.map((def) => tree.unflatten(def, leaves.slice(k, (k += def.numLeaves))));
}

/**
 * The matvec of J = ∂F/∂y at (y, args), or of Jᵀ: jvp (or vjp) of the staged F in y
 * alone. Closing over the primal values makes them operands of the linear solve, so
 * higher derivatives flow through them.
 */
function jacobianMatvec(p: RootParams, consts: Array[], y: Array[], args: Array[], transpose: boolean): (v: Tree) => Tree {
  const ins = [...consts, ...y, ...args];
  const ny = y.length;
  const inY = ins.map((_, i) => i >= p.nConsts && i < p.nConsts + ny);
  return (v: Tree) => {
    const vs = tree.flatten(v)[0] as Array[];
    if (transpose) return tree.unflatten(p.yDef, vjpIR(p.FIR, ins, vs, inY).slice(p.nConsts, p.nConsts + ny) as Array[]);
    const tangents = [...consts.map(() => null), ...vs, ...args.map(() => null)];
    return tree.unflatten(p.yDef, jvpIR(p.FIR, ins, tangents, true)[1] as Array[]);
  };
}

/** J⁻¹·r (or J⁻ᵀ·r), as a differentiable linear solve. */
function solveJacobian(p: RootParams, consts: Array[], y: Array[], args: Array[], r: Array[], transpose: boolean): Array[] {
  const matvec = jacobianMatvec(p, consts, y, args, transpose && !p.symmetric);
  const x = customLinearSolve(matvec, tree.unflatten(p.yDef, r), p.linearSolve, { symmetric: p.symmetric });
  return tree.flatten(x)[0] as Array[];
}

export const rootPrimitive: Primitive<RootParams> = definePrimitive<RootParams>({
  name: "custom_root",
  shapeRule(inputs, p) {
    const y = groups(inputs, p)[1];
    return [...y.map((a) => ({ shape: a.shape, dtype: a.dtype })), { shape: [], dtype: "int32" }, { shape: [], dtype: "int32" }, { shape: [], dtype: "float64" }];
  },
  impl(inputs, p, outs) {
    const [, y0, args] = groups(concrete(inputs), p);
    const report = p.solve(tree.unflatten(p.yDef, y0), argTrees(args, p));
    const likes = outs.slice(0, y0.length);
    const x = checkedLeaves(`${p.op}: the solver's answer`, report.x, p.yDef, likes, "y0's", false) as Array[];
    const status = STATUS.indexOf(report.status);
    if (status < 0) throw new Error(`${p.op}: the solver reported status ${String(report.status)}, not one of ${STATUS.join(", ")}`);
    return storages([...x, np.array(status, { dtype: "int32" }), np.array(report.nit, { dtype: "int32" }), np.array(report.residual)]);
  },
  jvp(primals, tangents, p) {
    const outs = bind(rootPrimitive, primals, p);
    const none = outs.map(() => null);
    const [consts, y0, args] = groups(primals, p);
    const [tc, , ta] = groups(tangents, p);
    if (tc.every((t) => t === null) && ta.every((t) => t === null)) return [outs, none];
    const y = outs.slice(0, y0.length);
    // F(y*(θ), θ) = 0, so J·ẏ = −∂F/∂θ·θ̇.
    const [, dF] = jvpIR(p.FIR, [...consts, ...y, ...args], [...tc, ...y.map(() => null), ...ta], true);
    const rhs = guard(p, outs[y.length]!, dF.map((d, i) => (d ? np.neg(d) : np.zerosLike(y[i]!))));
    return [outs, [...solveJacobian(p, consts, y, args, rhs, false), null, null, null]];
  },
  vjp(cts, inputs, outputs, p, wanted) {
    const [consts, y0, args] = groups(inputs, p);
    const y = outputs.slice(0, y0.length);
    const ybar = guard(p, outputs[y.length]!, y.map((yi, i) => cts[i] ?? np.zerosLike(yi)));
    // Jᵀ·λ = ȳ, then θ̄ = −(∂F/∂θ)ᵀ·λ; y0 only starts the solver and gets nothing.
    const lambda = solveJacobian(p, consts, y, args, ybar, true);
    const notY = wanted.map((w, i) => w && (i < p.nConsts || i >= p.nConsts + y.length));
    const grads = vjpIR(p.FIR, [...consts, ...y, ...args], lambda, notY).map((g) => (g ? np.neg(g) : null));
    const [gc, , ga] = groups(grads, p);
    return [...gc, ...y0.map(() => null), ...ga].map((g, i) => (wanted[i] ? g : null));
  },
  // Each example is its own problem, solved (and its status kept) on its own.
  batch: (args, batched, p, size) => batchByLoop(rootPrimitive, args, batched, p, size),
});

/** xs, once the forward solve's status is known to be "converged" (unless allowUnconverged). */
function guard(p: RootParams, status: Array, xs: Array[]): Array[] {
  if (p.allowUnconverged) return xs;
  return guardStatus(status, xs, (code) =>
    `${p.op}: the forward solve did not converge (status "${STATUS[code] ?? "failed"}"), so the implicit derivative would be wrong; ` +
      `${p.hint}, or pass allowUnconverged: true to differentiate anyway`,
  );
}

/** The options every implicit solver shares: how the derivative's linear system is solved. */
export interface RootOptions {
  linearSolve: LinearSolver;
  symmetric: boolean;
  allowUnconverged: boolean;
  hint: string;
}

/**
 * The solution of F(y, ...args) = 0 found by `solve`, with implicit derivatives in args
 * (and in what F closes over), and the solver's report as Arrays: [y, status, nit, residual].
 */
export function rootWithReport<Y extends Tree>(
  op: string,
  F: (y: any, ...args: any[]) => unknown,
  solve: (y0: Tree, args: Tree[]) => SolveReport,
  y0: Y,
  args: readonly unknown[],
  opts: RootOptions,
): [GradOf<Y>, Array, Array, Array] {
  const [yLeaves, yDef] = outputLeaves(y0);
  const bad = yLeaves.find((l) => l.dtype !== "float64" && l.dtype !== "float32");
  if (bad) throw new Error(`${op}: y0 must be floating point, got ${bad.dtype}`);
  const flatArgs = args.map((a) => outputLeaves(a as Tree));
  const argLeaves = flatArgs.flatMap(([ls]) => ls);
  const argDefs = flatArgs.map(([, d]) => d);
  const yAvals = avalsOf(yLeaves);
  const traced = traceFn(F, [yDef, ...argDefs], [...yAvals, ...avalsOf(argLeaves)]);
  if (!traced.outDef.equals(yDef) || !sameAvals(traced.outAvals, yAvals)) {
    throw new Error(`${op}: F must return y's structure, shapes and dtypes ${yDef} ${describeAvals(yAvals)}, got ${traced.outDef} ${describeAvals(traced.outAvals)}`);
  }
  const outs = bind(rootPrimitive, [...traced.consts, ...yLeaves, ...argLeaves], {
    op,
    FIR: traced.ir,
    nConsts: traced.consts.length,
    yDef,
    argDefs,
    solve,
    ...opts,
  });
  const n = yLeaves.length;
  return [tree.unflatten(yDef, outs.slice(0, n)) as GradOf<Y>, outs[n]!, outs[n + 1]!, outs[n + 2]!];
}

/** max |F(y)| over every leaf, for concrete values (Infinity if any is not finite). */
export function residualOf(F: (y: Tree) => unknown, y: Tree): number {
  const leaves = outputLeaves(F(y) as Tree)[0];
  let worst = 0;
  for (const l of leaves) {
    for (const v of l.toFloat64Array()) {
      if (!Number.isFinite(v)) return Infinity;
      worst = Math.max(worst, Math.abs(v));
    }
  }
  return worst;
}
