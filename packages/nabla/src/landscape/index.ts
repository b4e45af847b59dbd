// The loss landscape around a point: what kind of critical point it is (and, later,
// Hessian spectra, slices and mode connectivity).
export { classifyPoint, type ClassifyOptions, type PointClassification, type PointKind } from "./critical.js";
export { randomDirection, slice1d, slice2d, interpolate, type RandomDirectionOptions, type SliceOptions, type InterpolateOptions, type Slice1d, type Slice2d, type Interpolation } from "./slices.js";
export { connectModes, type ConnectOptions, type CurveKind, type ModeConnection } from "./connect.js";
export { hessianEigs, hessianTrace, hessianDensity, type HessianEigsOptions, type HessianEigsResult, type HessianEigsWhich, type HessianTraceOptions, type HessianTraceResult, type HessianDensityOptions, type HessianDensityResult } from "./spectra.js";
export { findCriticalPoints, type FindCriticalOptions, type FindCriticalResult, type CriticalPoint, type CriticalBox } from "./find.js";
