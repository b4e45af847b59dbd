// The loss landscape around a point: what kind of critical point it is (and, later,
// Hessian spectra, slices and mode connectivity).
export { classifyPoint, type ClassifyOptions, type PointClassification, type PointKind } from "./critical.js";
