// Differential equations: odeint (fixed-step, adaptive and stiff solvers, differentiable
// in both modes with three adjoints), sdeint, and diffusion samplers.
export { odeint, STATUS, type OdeintOptions, type OdeResult } from "./odeint.js";
export type { Adjoint } from "./params.js";
export type { OdeMethod } from "./integrate.js";
export { sdeint, type SdeOptions, type SdeResult, type SdeMethod } from "./sde.js";
export {
  karrasSigmas,
  probabilityFlowSampler,
  stochasticSampler,
  type KarrasOptions,
  type ProbabilityFlowOptions,
  type StochasticSamplerOptions,
  type FlowMethod,
  type Denoiser,
} from "./diffusion.js";
