// The error function family in float64: erf, erfc and the scaled erfcx(x) = e^{x²}·erfc(x).
// Algorithm: W. J. Cody, "Rational Chebyshev approximations for the error function",
// Math. Comp. 23 (1969) 631–638, with the coefficients and intervals of his CALERF
// (netlib specfun): erf = x·R₁(x²) for |x| ≤ 0.46875, erfcx = R₂(x) for 0.46875 < x ≤ 4,
// erfcx = (1/√π − R₃(1/x²)/x²)/x beyond; each rational is accurate to about 18 digits.
// erfc = e^{−x²}·erfcx, with e^{−x²} taken from the exact square x² = h + l (Dekker's
// product), so that the rounding of x² does not cost ~x² ulps in the far tail.

const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const P = [0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4, 0.0163153871373020978];
const Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];

/** 1/√π. */
const RSQRT_PI = 0.5641895835477563;
/** Beyond this, erfc(x) < 2⁻¹⁰⁷⁴ rounds to zero. */
const ERFC_UNDERFLOW = 27.3;
/** Veltkamp's splitter for doubles, 2²⁷ + 1. */
const SPLIT = 134217729;

/** erf(x) for |x| ≤ 0.46875 (Cody's first interval). */
function erfSmall(x: number): number {
  const z = x * x;
  let num = A[4]! * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]!) * z;
    den = (den + B[i]!) * z;
  }
  return (x * (num + A[3]!)) / (den + B[3]!);
}

/** e^{x²}·erfc(x) for x > 0.46875 (Cody's second and third intervals). */
export function erfcxLarge(x: number): number {
  if (x <= 4) {
    let num = C[8]! * x;
    let den = x;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * x;
      den = (den + D[i]!) * x;
    }
    return (num + C[7]!) / (den + D[7]!);
  }
  // Past 6.7e7 the correction term is below half an ulp of 1/√π.
  if (x >= 6.71e7) return RSQRT_PI / x;
  const z = 1 / (x * x);
  let num = P[5]! * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]!) * z;
    den = (den + Q[i]!) * z;
  }
  return (RSQRT_PI - (z * (num + P[4]!)) / (den + Q[4]!)) / x;
}

/**
 * e^{−s·x²} for s = 1 or ½ and |x| < 40, to about 1 ulp: x² = h + l exactly (Dekker),
 * then e^{−s·h}·(1 − s·l), as |s·l| ≤ 2⁻⁵³·h is far below the square of an ulp.
 */
export function expNegSquare(x: number, s: number): number {
  const h = x * x;
  const c = SPLIT * x;
  const hi = c - (c - x);
  const lo = x - hi;
  const l = hi * hi - h + 2 * hi * lo + lo * lo;
  return Math.exp(-s * h) * (1 - s * l);
}

/**
 * The error function, 2/√π ∫₀ˣ e^{−t²} dt.
 *
 * @example
 * erf(0.5); // 0.5204998778130465
 */
export function erf(x: number): number {
  const y = Math.abs(x);
  if (!(y > 0.46875)) return erfSmall(x); // NaN and ±0 too
  const r = y >= ERFC_UNDERFLOW ? 1 : 1 - expNegSquare(y, 1) * erfcxLarge(y);
  return x < 0 ? -r : r;
}

/**
 * The complementary error function 1 − erf(x), accurate in the tail (no cancellation).
 *
 * @example
 * erfc(10); // 2.0884875837625446e-45
 */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (!(y > 0.46875)) return x !== x ? x : 1 - erfSmall(x);
  const r = y >= ERFC_UNDERFLOW ? 0 : expNegSquare(y, 1) * erfcxLarge(y);
  return x < 0 ? 2 - r : r;
}
