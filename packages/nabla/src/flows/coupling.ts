// The affine coupling layer of RealNVP (Dinh, Sohl-Dickstein & Bengio 2017, "Density
// estimation using Real NVP", §3.3): the coordinates a binary mask keeps pass through and
// decide, through any function, a shift and log-scale for the others. The Jacobian is
// triangular (after a permutation) with diagonal 1 or exp(logScale), so its log-det is a
// sum, and the inverse is exact however complicated the conditioner is.
import { ConcreteArray, np, type Array } from "../core/index.js";
import { eventArg, fromFused, type FusedBijector } from "./bijector.js";

/** What a coupling layer's conditioner returns; both broadcast to the input's shape. */
export interface ShiftAndLogScale {
  shift: Array;
  logScale: Array;
}

export interface AffineCouplingParams {
  /** Shape [d], 1 (or true) where a coordinate passes through unchanged, 0 where it is transformed. */
  mask: np.ArrayLike;
  /**
   * Maps the masked input mask·x (shape [d] or [..., d], as the input) to the shift and
   * log-scale of the transformed coordinates (their entries where mask = 1 are ignored);
   * any function, e.g. an MLP closing over parameters that are being trained.
   */
  conditioner: (xMasked: Array) => ShiftAndLogScale;
}

const OP = "flows.affineCoupling";

/**
 * The RealNVP affine coupling bijector with mask m:
 * y = m·x + (1 − m)·(x·exp(s) + t) where {shift: t, logScale: s} = conditioner(m·x),
 * log|det| = Σ (1 − m)·s. Since m·y = m·x, the inverse recomputes t and s from y and
 * undoes the affine step exactly. Alternate the mask between layers so that every
 * coordinate is transformed.
 *
 * @example
 * // x0 passes through; x1 is shifted by x0 (a real conditioner would be a small network).
 * const layer = flows.affineCoupling({
 *   mask: np.array([1, 0]),
 *   conditioner: (xm) => ({ shift: np.roll(xm, 1, { axis: -1 }), logScale: np.zerosLike(xm) }),
 * });
 * layer.forward(np.array([2, 1])).toArray(); // [2, 3]
 */
export function affineCoupling(params: AffineCouplingParams): FusedBijector {
  const { conditioner } = params;
  if (typeof conditioner !== "function") throw new Error(`${OP}: conditioner must be a function of the masked input`);
  const mask = np.astype(np.asArray(params.mask), "float64");
  if (mask.ndim !== 1) throw new Error(`${OP}: mask must have shape (d,), got (${mask.shape.join(", ")})`);
  const bad = mask instanceof ConcreteArray ? mask.toFloat64Array().find((m) => m !== 0 && m !== 1) : undefined;
  if (bad !== undefined) throw new Error(`${OP}: mask must hold only 0 and 1, got ${bad}`);
  const d = mask.shape[0]!;
  const free = np.sub(1, mask);
  const condition = (op: string, xMasked: Array) => {
    const out = conditioner(xMasked);
    if (typeof out !== "object" || out === null || !out.shift || !out.logScale) {
      throw new Error(`${op}: the conditioner must return { shift, logScale }, got ${String(out)}`);
    }
    for (const [name, v] of Object.entries({ shift: out.shift, logScale: out.logScale })) {
      const ok = v.ndim <= xMasked.ndim && v.shape.every((n, i) => n === 1 || n === xMasked.shape[xMasked.ndim - v.ndim + i]);
      if (!ok) throw new Error(`${op}: the conditioner's ${name} has shape (${v.shape.join(", ")}), which does not broadcast to the input's (${xMasked.shape.join(", ")})`);
    }
    // Zeroed on the kept coordinates, so a conditioner need not care what it returns there.
    return { shift: np.mul(free, out.shift), logScale: np.mul(free, out.logScale) };
  };
  const logDet = (logScale: Array, x: Array) => np.sum(np.broadcastTo(logScale, x.shape), { axis: -1 });
  return fromFused(
    (x) => {
      const X = eventArg(`${OP}.forward`, x, d);
      const { shift, logScale } = condition(`${OP}.forward`, np.mul(mask, X));
      // On the kept coordinates shift = logScale = 0, so the affine step leaves them alone.
      return [np.add(np.mul(X, np.exp(logScale)), shift), logDet(logScale, X)];
    },
    (y) => {
      const Y = eventArg(`${OP}.inverse`, y, d);
      const { shift, logScale } = condition(`${OP}.inverse`, np.mul(mask, Y));
      return [np.mul(np.sub(Y, shift), np.exp(np.neg(logScale))), np.neg(logDet(logScale, Y))];
    },
  );
}
