// Bayesian inference: the Laplace approximation of the evidence, and gradient-based MCMC
// (HMC and NUTS with warm-up adaptation) with its diagnostics.
export { laplace, LAPLACE_STATUS, type LaplaceOptions, type LaplaceResult } from "./laplace.js";
export { hmc, type HmcOptions } from "./hmc.js";
export { nuts, type NutsOptions } from "./nuts.js";
export type { McmcOptions, McmcResult, McmcStatus } from "./mcmc.js";
export type { LogDensity } from "./target.js";
export { ess, rhat, type DiagnosticOptions } from "./diagnostics.js";
