// Probability distributions, as jax.scipy.stats (scipy.stats' names and parameters:
// loc, scale, a, b, df, mu …): log-densities (logpdf, logpmf) and densities, CDFs, and
// log-CDFs, survival functions and quantiles where cheap. Each is composed from np and
// special ops (the beta and t CDFs from the incomplete beta primitive in betainc.ts), so
// all are differentiable in x and their parameters, and batch under vmap and jit.
// Conventions (args.ts): invalid parameters give NaN, as scipy.stats; points outside the
// support give log-density −∞ and CDF 0 or 1; NaN in gives NaN out.
export * as norm from "./norm.js";
export * as uniform from "./uniform.js";
export * as expon from "./expon.js";
export * as laplace from "./laplace.js";
export * as cauchy from "./cauchy.js";
export * as logistic from "./logistic.js";
export * as gamma from "./gamma.js";
export * as beta from "./beta.js";
export * as t from "./t.js";
export * as truncnorm from "./truncnorm.js";
export * as dirichlet from "./dirichlet.js";
export * as multivariateNormal from "./multivariate-normal.js";
export * as bernoulli from "./bernoulli.js";
export * as poisson from "./poisson.js";
export * as categorical from "./categorical.js";
