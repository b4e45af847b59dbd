// Explicit-key randomness, as jax.random: every sampler takes a PRNG key (random.key,
// random.split), and the same key gives the same numbers on every machine (Threefry-2x32,
// array/kernels/random.ts). The samplers live in random/: keys.ts, continuous.ts
// (uniform, normal and other transformations of uniform draws, truncatedNormal),
// discrete.ts (bernoulli, categorical, choice, permutation, randint, poisson), gamma.ts
// (gamma, loggamma, chisquare, beta, dirichlet, t) and mvn.ts (multivariateNormal).
export { key, split } from "./random/keys.js";
export { uniform, normal, exponential, laplace, cauchy, logistic, gumbel, truncatedNormal, type SampleOptions } from "./random/continuous.js";
export { bernoulli, categorical, choice, permutation, randint, poisson } from "./random/discrete.js";
export { gamma, loggamma, chisquare, beta, dirichlet, t } from "./random/gamma.js";
export { multivariateNormal } from "./random/mvn.js";
