// The special functions (scipy.special's names), public as `special` from "nabla". Each
// binds a primitive of primitives.ts (or composes public ops: xlogy, xlog1py, expit),
// whose kernel is a scalar function of array/special/ that jit's code calls too.
export { erf, erfc, erfinv, ndtr, ndtri, logNdtr } from "./error.js";
export { lgamma, gammaln, digamma, polygamma, betaln, gammainc, gammaincc } from "./gamma.js";
export { xlogy, xlog1py, logit, expit } from "./logistic.js";
