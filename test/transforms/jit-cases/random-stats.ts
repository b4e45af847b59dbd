// jit cases for the samplers and stats of issue 11: random_gamma, random_poisson,
// random_randint (kernels run as they are under jit: the same draws bit for bit) and the
// incomplete beta primitives (betainc, betainc_grad), in float64 and float32, on small
// and 10⁴-element inputs with the special values (NaN, ±∞, −0, 1e300, 3e9 …) mixed in.
import { grad, np, random, stats, type Array as NdArray } from "nabla";
import { addCase, arr, FLOATS, I32, LARGE, TINY } from "../jit-corpus.js";

for (const dt of FLOATS) {
  addCase({
    name: `random_gamma ${dt} (gamma and loggamma of |a|, and gamma's gradient in a)`,
    covers: ["random_gamma"],
    f: (key: NdArray, a: NdArray) => {
      const [k1, k2] = random.split(key);
      const shape = a.abs();
      return [
        random.gamma(k1!, shape),
        random.loggamma(k2!, shape),
        grad((s: NdArray) => random.gamma(k1!, s).sum())(np.minimum(shape.add(0.5), 50)),
      ];
    },
    inputs: [[random.key(1), arr(TINY, dt, 1)], [random.key(2), arr(LARGE, dt, 2)]],
  });

  addCase({
    name: `random_poisson ${dt} (rates |λ|: Knuth, PTRS, and the invalid ones)`,
    covers: ["random_poisson"],
    f: (key: NdArray, lam: NdArray) => [random.poisson(key, lam.abs()), random.poisson(key, lam.abs().mul(20), [3, ...lam.shape])],
    inputs: [[random.key(3), arr(TINY, dt, 3)], [random.key(4), arr(LARGE, dt, 4)]],
  });

  addCase({
    name: `betainc ${dt} (beta CDF and survival function, t CDF, and their gradients)`,
    covers: ["betainc", "betainc_grad"],
    f: (a: NdArray, x: NdArray) => {
      const [p, q, z] = [a.abs().add(0.5).minimum(1e6), x.abs().add(1).minimum(40), x.sigmoid()];
      return [
        stats.beta.cdf(z, p, q),
        stats.beta.sf(z, p, q),
        stats.t.cdf(x, p),
        grad((s: NdArray, w: NdArray) => stats.beta.cdf(w, s, q).sum(), { argnums: [0, 1] })(p, z),
      ];
    },
    inputs: [[arr(TINY, dt, 5), arr(TINY, dt, 6)], [arr([100, 100], dt, 7), arr([100, 100], dt, 8)]],
  });
}

addCase({
  name: "random_randint int32 (bounds with the int32 extremes; hi ≤ lo gives lo)",
  covers: ["random_randint"],
  f: (key: NdArray, lo: NdArray, hi: NdArray) => [random.randint(key, lo.shape, lo, hi), random.randint(key, [4, ...lo.shape], lo, 2 ** 31)],
  inputs: [
    [random.key(5), arr(TINY, I32, 1), arr(TINY, I32, 2)],
    [random.key(6), arr(LARGE, I32, 3), arr(LARGE, I32, 4)],
  ],
});
