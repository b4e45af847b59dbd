// Normalizing flows: the change of variables log p(y) = log p(x) − log|det ∂y/∂x|, its
// log-det-Jacobian, and invertible maps (bijectors) with forward, inverse and log-det.
export {};
