// Bayesian inference: the Laplace approximation of the evidence, and gradient-based MCMC
// (HMC and NUTS with warm-up adaptation) with its diagnostics.
export { laplace, LAPLACE_STATUS, type LaplaceOptions, type LaplaceResult } from "./laplace.js";
