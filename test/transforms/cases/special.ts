// Primitive-corpus cases for the special functions (issue 11): each primitive through its
// public `special` function, with derivatives to second order in both modes and batching.
// gammainc's derivative in a is first order only: its second derivative in a is not
// implemented (an error, tested in test/special/special-api.test.ts); gammainc_grad_a (the
// primitive ∂P/∂a) is covered by its own derivatives in x.
import fc from "fast-check";
import { jvp, np, special, type Array } from "nabla";
import { addCase, dims, floats, type Raw, compatibleShapes, type Domain } from "../corpus.js";



/** int32 data in [lo, hi]. */
const ints = (shape: readonly number[], lo: number, hi: number): fc.Arbitrary<Raw> => {
  const n = shape.reduce((p, d) => p * d, 1);
  return fc.array(fc.integer({ min: lo, max: hi }), { minLength: n, maxLength: n }).map((data) => ({ shape, data, dtype: "int32" as const }));
};

// The fourth entry, where given, is the finite-difference step of the derivative checks:
// ndtri's third derivative is large at 0.05, where a 10⁻⁵ step is off by 6e-6 in the second
// derivative (over the tolerance; AD agrees with mpmath to 14 digits), a 10⁻⁶ step by 6e-8.
const UNARY: readonly [string, Domain, (x: Array) => Array, number?][] = [
  ["erf", (s) => floats(s, -2, 2), special.erf],
  ["erfc", (s) => floats(s, -2, 2), special.erfc],
  ["erfinv", (s) => floats(s, -0.9, 0.9), special.erfinv],
  ["lgamma", (s) => floats(s, 0.3, 5), special.lgamma],
  ["digamma", (s) => floats(s, 0.3, 5), special.digamma],
  ["logit", (s) => floats(s, 0.1, 0.9), special.logit],
  ["ndtr", (s) => floats(s, -3, 3), special.ndtr],
  ["ndtri", (s) => floats(s, 0.05, 0.95), special.ndtri, 1e-6],
  ["logNdtr", (s) => floats(s, -6, 3), special.logNdtr],
];

for (const [name, domain, fn, eps] of UNARY) {
  addCase({ title: `${name} (special.${name})`, covers: [name], spec: dims(), args: (s) => [domain(s)], f: () => (x) => fn(x), ...(eps ? { grad: { eps } } : {}) });
}

// Reflection below 0: between the poles −3 and −2 (lgamma crosses 0 there twice).
addCase({
  title: "lgamma and digamma on negative non-integers (reflection)",
  covers: ["lgamma", "digamma"],
  spec: dims(),
  args: (s) => [floats(s, -2.8, -2.2)],
  f: () => (x) => [special.lgamma(x), special.digamma(x)],
});

addCase({
  title: "polygamma (special.polygamma: integer orders 0–3 broadcast with x)",
  covers: ["polygamma"],
  spec: compatibleShapes(2),
  args: ([a, b]: number[][]) => [ints(a!, 0, 3), floats(b!, 0.5, 4)],
  f: () => (n, x) => special.polygamma(n, x),
});

addCase({
  title: "betaln (special.betaln, broadcasting)",
  covers: ["betaln"],
  spec: compatibleShapes(2),
  args: ([a, b]: number[][]) => [floats(a!, 0.5, 4), floats(b!, 0.5, 4)],
  f: () => (a, b) => special.betaln(a, b),
});

interface FixedA {
  shape: number[];
  a: number;
}
const fixedA: fc.Arbitrary<FixedA> = fc.record({ shape: dims(), a: fc.double({ min: 0.5, max: 4, noNaN: true }) });

addCase({
  title: "gammainc and gammaincc in x (a held fixed), to second order",
  covers: ["gammainc", "gammaincc"],
  spec: fixedA,
  args: (s: FixedA) => [floats(s.shape, 0.3, 5)],
  f: ({ a }: FixedA) => (x) => [special.gammainc(a, x), special.gammaincc(a, x)],
});

addCase({
  title: "gammainc and gammaincc in a and x, first order (∂/∂a binds gammainc_grad_a)",
  covers: ["gammainc", "gammaincc"],
  spec: compatibleShapes(2),
  args: ([a, b]: number[][]) => [floats(a!, 0.5, 4), floats(b!, 0.3, 5)],
  f: () => (a, x) => [special.gammainc(a, x), special.gammaincc(a, x)],
  grad: {
    order: 1,
    covers: ["gammainc", "gammaincc", "gammainc_grad_a"],
    probe: () => (a, x) => jvp((b: Array) => [special.gammainc(b, x), special.gammaincc(b, x)], [a], [np.onesLike(a)]),
  },
});

addCase({
  title: "gammainc_grad_a (∂P/∂a by a jvp in a) and its derivatives in x",
  covers: ["gammainc_grad_a"],
  spec: fixedA,
  args: (s: FixedA) => [floats(s.shape, 0.3, 5)],
  f: ({ a }: FixedA) => (x) => jvp((b: Array) => special.gammainc(b, x), [np.full(x.shape, a, { dtype: x.dtype })], [np.onesLike(x)])[1],
});
