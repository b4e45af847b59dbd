// Primitive-corpus cases for the samplers and stats of issue 11: random_gamma (gamma and
// loggamma), random_poisson and random_randint (kernels with exact rejection), and the
// incomplete beta primitives behind the beta and t CDFs (betainc, betainc_grad).
// Finite differences with a fixed key cannot check gamma's derivative in a: it is the
// implicit reparameterization derivative, and a rejection sampler's draws move along
// another path as a changes (test/random/gradients.test.ts checks it against the formula
// and in expectation). So a is held fixed (or the derivative check is off) here, and the
// derivatives checked are those through the samples. betainc's derivatives in a and b are
// first order only (betainc_grad has no derivative in a or b).
import fc from "fast-check";
import { jvp, np, random, stats, type Array } from "nabla";
import { addCase, dims, floats, sin, type Raw, compatibleShapes } from "../corpus.js";

/** int32 data in [lo, hi]. */
const ints = (shape: readonly number[], lo: number, hi: number): fc.Arbitrary<Raw> => {
  const n = shape.reduce((p, d) => p * d, 1);
  return fc.array(fc.integer({ min: lo, max: hi }), { minLength: n, maxLength: n }).map((data) => ({ shape, data, dtype: "int32" as const }));
};
/** A PRNG key: any two int32 words. */
const keyRaw = () => ints([2], -(2 ** 31), 2 ** 31 - 1);

interface Fixed {
  shape: number[];
  p: number;
}
const fixed = (lo: number, hi: number): fc.Arbitrary<Fixed> => fc.record({ shape: dims(), p: fc.double({ min: lo, max: hi, noNaN: true }) });

addCase({
  title: "random_gamma (random.gamma and random.loggamma, a held fixed; derivatives through the samples' uses)",
  covers: ["random_gamma"],
  spec: fixed(0.3, 6),
  args: (s: Fixed) => [keyRaw(), floats(s.shape)],
  f: ({ p }: Fixed) => (key, x) => {
    const [k1, k2] = random.split(key);
    return [np.mul(x, random.gamma(k1!, p, x.shape)), np.mul(sin(x), random.loggamma(k2!, p, x.shape))];
  },
});

addCase({
  title: "random_gamma (batched in a and the key; its derivative in a is checked in test/random/gradients.test.ts)",
  covers: ["random_gamma"],
  spec: dims(),
  args: (s) => [keyRaw(), floats(s, 0.2, 8)],
  f: () => (key, a) => [random.gamma(key, a), random.loggamma(key, a)],
  grad: false,
});

addCase({
  title: "random_poisson (random.poisson, the rate held fixed, as a mask's weights)",
  covers: ["random_poisson"],
  spec: fixed(0, 40),
  args: (s: Fixed) => [keyRaw(), floats(s.shape)],
  f: ({ p }: Fixed) => (key, x) => np.mul(sin(x), np.astype(random.poisson(key, p, x.shape), "float64")),
});

addCase({
  title: "random_poisson (batched in the rate and the key: Knuth below 10, PTRS above)",
  covers: ["random_poisson"],
  spec: dims(),
  args: (s) => [keyRaw(), floats(s, 0, 60)],
  f: () => (key, lam) => random.poisson(key, lam),
  grad: false,
});

addCase({
  title: "random_randint (random.randint with int32 bounds, as weights)",
  covers: ["random_randint"],
  spec: dims(),
  args: (s) => [keyRaw(), ints(s, -5, 5), ints(s, -5, 20), floats(s)],
  f: () => (key, lo, hi, x) => np.mul(x, np.astype(random.randint(key, x.shape, lo!, hi!), "float64")),
});

interface Shapes {
  shape: number[];
  a: number;
  b: number;
}
const shapesAB: fc.Arbitrary<Shapes> = fc.record({
  shape: dims(),
  a: fc.double({ min: 0.5, max: 6, noNaN: true }),
  b: fc.double({ min: 0.5, max: 6, noNaN: true }),
});

addCase({
  title: "betainc in x, a and b fixed (stats.beta.cdf and sf, stats.t.cdf), to second order",
  covers: ["betainc"],
  spec: shapesAB,
  args: (s: Shapes) => [floats(s.shape, 0.05, 0.95)],
  f: ({ a, b }: Shapes) => (x) => [stats.beta.cdf(x, a, b), stats.beta.sf(x, a, b), stats.t.cdf(np.sub(np.mul(x, 6), 3), a)],
  // Central differences over 10⁻⁶: at x = 0.05 with a = 0.5 the density's curvature makes
  // the truncation error of a 10⁻⁵ step 1.6e-6, over the tolerance (npm run fuzz found it;
  // the derivatives agree with mpmath to 12 digits there).
  grad: { eps: 1e-6 },
});


addCase({
  title: "betainc in a, b and x, broadcasting, first order (∂/∂a and ∂/∂b bind betainc_grad)",
  covers: ["betainc"],
  spec: compatibleShapes(3),
  args: ([s1, s2, s3]: number[][]) => [floats(s1!, 0.5, 6), floats(s2!, 0.5, 6), floats(s3!, 0.05, 0.95)],
  f: () => (a, b, x) => [stats.beta.cdf(x, a, b), stats.beta.sf(x, a, b)],
  grad: {
    order: 1,
    covers: ["betainc", "betainc_grad"],
    probe: () => (a, b, x) => jvp((p: Array, q: Array) => stats.beta.cdf(x, p, q), [a, b], [np.onesLike(a), np.onesLike(b)]),
  },
});

addCase({
  title: "betainc_grad (∂I/∂a and ∂I/∂b by jvps) and its derivatives in x, to second order",
  covers: ["betainc_grad"],
  spec: shapesAB,
  args: (s: Shapes) => [floats(s.shape, 0.05, 0.95)],
  f: ({ a, b }: Shapes) => (x) => {
    const [A, B] = [np.full(x.shape, a), np.full(x.shape, b)];
    return [
      jvp((p: Array) => stats.beta.cdf(x, p, B), [A], [np.onesLike(x)])[1],
      jvp((q: Array) => stats.beta.sf(x, A, q), [B], [np.onesLike(x)])[1],
    ];
  },
  grad: { eps: 1e-6 }, // as for betainc in x above (npm run fuzz, seed 199822105)
});
