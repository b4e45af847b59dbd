// The special functions (scipy.special's names): public as `special` from "nabla", and
// importable by other parts of nabla through core/index.ts. Each binds a primitive from
// core/primitives/special.ts (or composes public ops: xlogy, xlog1py, expit).
export { erf, erfc, erfinv, ndtr, ndtri, logNdtr } from "./error.js";
export { lgamma, gammaln, digamma, polygamma, betaln, gammainc, gammaincc } from "./gamma.js";
export { xlogy, xlog1py, logit, expit } from "./logistic.js";
