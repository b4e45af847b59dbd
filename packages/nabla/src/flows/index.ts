// Normalizing flows: the change of variables log p(y) = log p(x) − log|det ∂y/∂x|, its
// log-det-Jacobian, and invertible maps (bijectors) with forward, inverse and log-det.
export { logDetJacobian, type JacobianStructure, type LogDetOptions } from "./logdet.js";
export { chain, invert, transformedDensity, forwardAndLogDet, inverseAndLogDet, type Bijector, type FusedBijector } from "./bijector.js";
export { affine, type AffineParams } from "./affine.js";
export { planar, type PlanarParams } from "./planar.js";
export { radial, type RadialParams } from "./radial.js";
export { affineCoupling, type AffineCouplingParams, type ShiftAndLogScale } from "./coupling.js";
