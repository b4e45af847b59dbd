// Explicit-key randomness, as jax.random: every sampler takes a PRNG key (random.key,
// random.split), and the same key gives the same numbers on every machine (Threefry-2x32,
// array/kernels/random.ts). The primitives are in primitives.ts, the samplers in keys.ts, continuous.ts
// (uniform, normal and other transformations of uniform draws, truncatedNormal),
// discrete.ts (bernoulli, categorical, choice, permutation, randint, poisson), gamma.ts
// (gamma, loggamma, chisquare, beta, dirichlet, t) and mvn.ts (multivariateNormal).
export { key, split } from "./keys.js";
export { uniform, normal, exponential, laplace, cauchy, logistic, gumbel, truncatedNormal, type SampleOptions } from "./continuous.js";
export { bernoulli, categorical, choice, permutation, randint, poisson } from "./discrete.js";
export { gamma, loggamma, chisquare, beta, dirichlet, t } from "./gamma.js";
export { multivariateNormal } from "./mvn.js";
