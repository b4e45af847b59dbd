// Integration: adaptive quadrature (differentiable in what the integrand closes over and
// in the limits), Monte Carlo and quasi-Monte Carlo estimates with their error bars, and
// importance sampling.
// Quadrature: Gauss–Legendre rules, and adaptive QAGS/QAGI (differentiable) in 1, 2 and n dimensions.
export { gaussLegendre, fixedQuad, type FixedQuadOptions } from "./gauss.js";
export { quad, STATUS, type QuadOptions, type QuadResult, type QuadStatus } from "./quad.js";
export { dblquad, nquad, type Range, type RangeFn } from "./multi.js";
// Monte Carlo, quasi-Monte Carlo and importance sampling.
export { monteCarlo, type Estimate, type MonteCarloOptions } from "./montecarlo.js";
export { sobol, type SobolOptions } from "./sobol.js";
export { halton, type HaltonOptions } from "./halton.js";
export { qmcEstimate, type QmcEstimate, type QmcOptions, type QmcSequence } from "./qmc.js";
export { importanceSampling, type ImportanceOptions, type ImportanceResult, type Proposal } from "./importance.js";
export { expectedLoss, type ExpectedLossOptions, type MinibatchEstimate } from "./minibatch.js";
