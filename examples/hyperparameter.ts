// Tuning ridge regression's penalty λ by gradient descent on the validation loss: a
// bilevel problem. The inner problem w*(λ) = argmin_w ½‖Xw − y‖² + ½·λ‖w‖² is solved by
// `implicit.argmin` (Newton's method), and the hypergradient d/d(log λ) of the validation MSE
// flows through w*(λ) by the implicit function theorem (one Hessian solve, no unrolling).
// The result is checked against a fine grid search over log λ, and the hypergradient
// against a central finite difference. Run: npm run example -- hyperparameter
// (NABLA_EXAMPLE_SMALL=1 runs a smaller problem with fewer steps, as the test suite does.)
import { implicit, linalg, np, random, valueAndGrad, type Array } from "nabla";

const small = process.env.NABLA_EXAMPLE_SMALL === "1";
const D = small ? 10 : 30; // features
const N_TRAIN = small ? 15 : 40; // few samples per feature: least squares overfits, so λ matters
const N_VAL = small ? 100 : 400;
const MAX_STEPS = 100;
const GRID = small ? 201 : 1201; // grid points over log λ ∈ [−6, 6]

// y = X·w_true + noise, with small true weights: the best λ is well inside (0, ∞).
const [kW, kXt, kNt, kXv, kNv] = random.split(random.key(7), 5);
const wTrue = np.mul(0.3, random.normal(kW!, [D]));
const sample = (kx: Array, kn: Array, n: number): [Array, Array] => {
  const X = random.normal(kx, [n, D]);
  return [X, np.add(np.matmul(X, wTrue), random.normal(kn, [n]))];
};
const [Xt, yt] = sample(kXt!, kNt!, N_TRAIN);
const [Xv, yv] = sample(kXv!, kNv!, N_VAL);

/** The inner objective; λ = exp(logλ) keeps the penalty positive. */
const trainLoss = (w: Array, logLam: Array) =>
  np.add(np.mul(0.5, np.sum(np.square(np.sub(np.matmul(Xt, w), yt)))), np.mul(np.mul(0.5, np.exp(logLam)), np.sum(np.square(w))));
// Newton's method: the inner objective is quadratic, so one exact step reaches ‖∇‖ ≈ 1e-14.
const ridge = implicit.argmin(trainLoss, { method: "newton" });

const valLoss = (w: Array) => np.mean(np.square(np.sub(np.matmul(Xv, w), yv)));
/** The outer objective: validation MSE of w*(λ). */
const outer = (logLam: Array) => valLoss(ridge(np.zeros([D]), logLam).x);
const outerAndGrad = valueAndGrad(outer);

// The closed form w*(λ) = (XᵀX + λI)⁻¹Xᵀy, for the grid search and the finite difference.
const XtX = np.matmul(Xt.T, Xt);
const Xty = np.matmul(Xt.T, yt);
const closedForm = (logLam: number) => valLoss(linalg.solve(np.add(XtX, np.mul(Math.exp(logLam), np.eye(D))), Xty)).item();

// The hypergradient at one point against a central difference of the closed form.
const at = 0;
const [, hyper] = outerAndGrad(np.array(at));
const h = 1e-5;
const fd = (closedForm(at + h) - closedForm(at - h)) / (2 * h);
const gradErr = Math.abs(hyper.item() - fd) / Math.abs(fd);
console.log(`hypergradient at log λ = ${at}: implicit ${hyper.item().toExponential(8)}, central difference ${fd.toExponential(8)} (rel. error ${gradErr.toExponential(1)})`);

// Plain gradient descent on log λ, until the hypergradient is below 1e-6.
let logLam = np.array(at);
const lr = 1;
const t0 = performance.now();
let first = NaN;
let steps = 0;
for (; steps < MAX_STEPS; steps++) {
  const [v, g] = outerAndGrad(logLam);
  if (steps === 0) first = v.item();
  if (Math.abs(g.item()) < 1e-6) break;
  logLam = np.sub(logLam, np.mul(lr, g));
}
const tuned = outer(logLam).item();
const seconds = (performance.now() - t0) / 1000;
console.log(`gradient descent on log λ: ${steps} steps, validation MSE ${first.toFixed(7)} → ${tuned.toFixed(7)}, λ = ${Math.exp(logLam.item()).toPrecision(5)} (${seconds.toFixed(2)} s)`);

// Grid search over log λ with the closed form.
let best = { loss: Infinity, logLam: NaN };
for (let k = 0; k < GRID; k++) {
  const l = -6 + (12 * k) / (GRID - 1);
  const loss = closedForm(l);
  if (loss < best.loss) best = { loss, logLam: l };
}
console.log(`grid search, ${GRID} values of log λ in [−6, 6]: best validation MSE ${best.loss.toFixed(7)} at λ = ${Math.exp(best.logLam).toPrecision(5)}`);

if (!(gradErr < 1e-7)) throw new Error(`hypergradient differs from the finite difference: relative error ${gradErr}`);
if (!(tuned <= best.loss + 1e-9)) throw new Error(`tuned validation MSE ${tuned} is worse than the grid's best ${best.loss}`);
if (!(best.logLam > -6 && best.logLam < 6)) throw new Error("the grid's best λ is on its edge: widen the grid");
console.log(`check passed: the tuned loss is no worse than the grid's best (to 1e-9), hypergradient within 1e-7 of the finite difference`);
