// Special functions as plain float64 scalar functions (no Arrays): what the elementwise
// kernels call through the namespace S, and what other parts of nabla (random, stats) can
// call directly. Each file cites its algorithm.
import { erf, erfc } from "./erf.js";
import { betaln } from "./beta.js";
import { digamma, lgamma } from "./gamma.js";
import { gammainc, gammaincc } from "./incgamma.js";
import { gammaincGradA } from "./incgamma-grad.js";
import { logit } from "./logistic.js";
import { erfinv, logNdtr, ndtr, ndtri } from "./ndtr.js";
import { polygamma } from "./polygamma.js";

export { erf, erfc, betaln, digamma, lgamma, gammainc, gammaincc, gammaincGradA, logit, erfinv, logNdtr, ndtr, ndtri, polygamma };
export { gamma, lgamma1p } from "./gamma.js";

/**
 * The scalar functions that kernel expressions may call, as `S.name(x)`: generated
 * kernels and `jit`'s loops receive this object as their parameter `S`.
 *
 * @example
 * S.erf(0.5); // 0.5204998778130465
 */
export const S = Object.freeze({
  erf, erfc, erfinv, lgamma, digamma, polygamma, betaln, logit, ndtr, ndtri, logNdtr, gammainc, gammaincc, gammaincGradA,
});
