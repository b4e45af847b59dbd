// Hessian spectra from Hessian-vector products only, so they work at millions of
// parameters: the extreme eigenpairs (Lanczos), the trace (Hutchinson) and the eigenvalue
// density (stochastic Lanczos quadrature). One file per estimator; this is their face.
export { hessianEigs, type HessianEigsOptions, type HessianEigsResult, type HessianEigsWhich } from "./spectra-eigs.js";
export { hessianTrace, type HessianTraceOptions, type HessianTraceResult } from "./spectra-trace.js";
export { hessianDensity, type HessianDensityOptions, type HessianDensityResult } from "./spectra-density.js";
