// Elementwise ops that call a named scalar function (array/special/): each entry is the
// expression string that compiled kernels and jit's fused loops use, calling the function
// through the parameter `S` that generated code receives, and beside it the same call as
// a function for the interpreted (eval-free) kernels. The strings are fixed here: no user
// text reaches generated code. Merged into the elementwise kernel table.
import { S as SPECIAL } from "../special/index.js";
import { tanh } from "./tanh.js";

type Scalar = (x: number, y: number, z: number) => number;

/**
 * The scalar functions that kernel expressions may call as `S.name(x)`: the special
 * functions, and the elementary ones written here in JavaScript because Math's is a slow
 * call (tanh: kernels/tanh.ts). Generated kernels and `jit`'s loops receive it as `S`.
 *
 * @example
 * S.tanh(0.5); // 0.46211715726000974
 */
export const S = Object.freeze({ ...SPECIAL, tanh });

export const SPECIAL_ELEMENTWISE = {
  erf: ["S.erf(x)", (x) => S.erf(x)],
  erfc: ["S.erfc(x)", (x) => S.erfc(x)],
  erfinv: ["S.erfinv(x)", (x) => S.erfinv(x)],
  lgamma: ["S.lgamma(x)", (x) => S.lgamma(x)],
  digamma: ["S.digamma(x)", (x) => S.digamma(x)],
  logit: ["S.logit(x)", (x) => S.logit(x)],
  ndtr: ["S.ndtr(x)", (x) => S.ndtr(x)],
  ndtri: ["S.ndtri(x)", (x) => S.ndtri(x)],
  logNdtr: ["S.logNdtr(x)", (x) => S.logNdtr(x)],
  // Binary: polygamma(n, x), betaln(a, b), and the incomplete gamma ratios of (a, x).
  polygamma: ["S.polygamma(x, y)", (x, y) => S.polygamma(x, y)],
  betaln: ["S.betaln(x, y)", (x, y) => S.betaln(x, y)],
  gammainc: ["S.gammainc(x, y)", (x, y) => S.gammainc(x, y)],
  gammaincc: ["S.gammaincc(x, y)", (x, y) => S.gammaincc(x, y)],
  gammainc_grad_a: ["S.gammaincGradA(x, y)", (x, y) => S.gammaincGradA(x, y)],
} satisfies Record<string, readonly [string, Scalar]>;
