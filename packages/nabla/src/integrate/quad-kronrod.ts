// One panel of adaptive quadrature: a Gauss–Kronrod pair on [lo, hi] gives the
// integral (the Kronrod rule), an error estimate (its difference from the embedded
// Gauss rule), and the moments QAGS's roundoff tests read. Nodes and weights are
// QUADPACK's (Piessens, de Doncker-Kapenga, Überhuber, Kahaner 1983), computed to 33
// digits by L. W. Fullerton (Bell Labs, 1981). Also the map QAGI uses to bring an
// infinite range onto (0, 1]. Integrands are vector-valued: `dim` numbers per node.

export const EPS = 2.220446049250313e-16;
export const UFLOW = 2.2250738585072014e-308;

/** f on a batch of points: xs [k] → values [k·dim], row-major (node i's values at i·dim). */
export type Batch = (xs: Float64Array) => Float64Array;

/** A symmetric Gauss–Kronrod pair: abscissae in (0, 1], Kronrod and Gauss weights (0 off the Gauss nodes), the centre's. */
interface KronrodRule {
  readonly x: readonly number[];
  readonly wk: readonly number[];
  readonly wg: readonly number[];
  readonly centreK: number;
  readonly centreG: number;
}

/** 21 points: the 10-point Gauss rule (nodes x[1], x[3], …) and 11 Kronrod nodes. QAGS's rule. */
export const K21: KronrodRule = {
  x: [
    0.995657163025808080735527280689003, 0.973906528517171720077964012084452, 0.930157491355708226001207180059508,
    0.865063366688984510732096688423493, 0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
    0.562757134668604683339000099272694, 0.433395394129247190799265943165784, 0.294392862701460198131126603103866,
    0.14887433898163121088482600112972,
  ],
  wk: [
    0.011694638867371874278064396062192, 0.03255816230796472747881897245939, 0.05475589657435199603138130024458,
    0.07503967481091995276704314091619, 0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
    0.123491976262065851077958109831074, 0.134709217311473325928054001771707, 0.142775938577060080797094273138717,
    0.147739104901338491374841515972068,
  ],
  wg: [
    0, 0.066671344308688137593568809893332, 0, 0.149451349150580593145776339657697, 0, 0.219086362515982043995534934228163,
    0, 0.269266719309996355091226921569469, 0, 0.295524224714752870173892994651338,
  ],
  centreK: 0.149445554002916905664936468389821,
  centreG: 0,
};

/** 15 points: the 7-point Gauss rule (the centre and x[1], x[3], x[5]) and 8 Kronrod nodes. QAGI's rule. */
export const K15: KronrodRule = {
  x: [
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
    0.741531185599394439863864773280788, 0.58608723546769113029414483825873, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245,
  ],
  wk: [
    0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
    0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649,
  ],
  wg: [0, 0.129484966168869693270611432679082, 0, 0.27970539148927666790146777142378, 0, 0.381830050505118944950369775488975, 0],
  centreK: 0.209482141084727828012999174891714,
  centreG: 0.417959183673469387755102040816327,
};

/** A subinterval with what the rule found on it. */
export interface Panel {
  lo: number;
  hi: number;
  /** The Kronrod estimate of ∫ f over [lo, hi], per component. */
  value: Float64Array;
  /** The error estimate: the largest over components. */
  error: number;
  /** ∫ |f| per component (QUADPACK's resabs). */
  absolute: Float64Array;
  /**
   * True when the error estimate is its cap ∫ |f − mean| (QUADPACK's resasc) in the
   * component that sets it: the estimate then says nothing about roundoff.
   */
  capped: boolean;
}

/**
 * The rule on [lo, hi]. Per component, the error estimate is QUADPACK's: the
 * Kronrod–Gauss difference E, scaled as resasc·min(1, (200E/resasc)^{3/2}) since E
 * overestimates the Kronrod rule's error badly, and not below 50ε·∫|f|.
 */
export function panel(rule: KronrodRule, f: Batch, dim: number, lo: number, hi: number): Panel {
  const centre = 0.5 * (lo + hi);
  const half = 0.5 * (hi - lo);
  const m = rule.x.length;
  const xs = new Float64Array(2 * m + 1);
  xs[0] = centre;
  rule.x.forEach((x, j) => {
    xs[2 * j + 1] = centre - half * x;
    xs[2 * j + 2] = centre + half * x;
  });
  const fx = f(xs);
  const value = new Float64Array(dim);
  const absolute = new Float64Array(dim);
  let error = 0;
  let capped = false;
  for (let c = 0; c < dim; c++) {
    const fc = fx[c]!;
    let kronrod = rule.centreK * fc;
    let gauss = rule.centreG * fc;
    let abs = Math.abs(kronrod);
    for (let j = 0; j < m; j++) {
      const [f1, f2] = [fx[(2 * j + 1) * dim + c]!, fx[(2 * j + 2) * dim + c]!];
      kronrod += rule.wk[j]! * (f1 + f2);
      gauss += rule.wg[j]! * (f1 + f2);
      abs += rule.wk[j]! * (Math.abs(f1) + Math.abs(f2));
    }
    const mean = kronrod * 0.5;
    let asc = rule.centreK * Math.abs(fc - mean);
    for (let j = 0; j < m; j++) asc += rule.wk[j]! * (Math.abs(fx[(2 * j + 1) * dim + c]! - mean) + Math.abs(fx[(2 * j + 2) * dim + c]! - mean));
    const width = Math.abs(half);
    value[c] = kronrod * half;
    absolute[c] = abs * width;
    asc *= width;
    let err = Math.abs((kronrod - gauss) * half);
    if (asc !== 0 && err !== 0) err = asc * Math.min(1, (200 * err / asc) ** 1.5);
    if (absolute[c]! > UFLOW / (50 * EPS)) err = Math.max(50 * EPS * absolute[c]!, err);
    if (c === 0 || err > error) [error, capped] = [err, err === asc];
  }
  return { lo, hi, value, error, absolute, capped };
}

/** The variable the adaptive loop bisects, and the rule it uses there. */
export interface Bisected {
  f: Batch;
  lo: number;
  hi: number;
  rule: KronrodRule;
  /** The point of the original range a point of [lo, hi] stands for (for messages). */
  toX: (t: number) => number;
}

/**
 * f on a finite range as it is (with the 21-point rule); on an infinite one, as QAGI,
 * t ∈ (0, 1] with x = a + (1 − t)/t (a finite, b = ∞), x = b − (1 − t)/t (a = −∞), or
 * x = ±(1 − t)/t summed (the whole line), the integrand times dx/dt = 1/t², on the
 * 15-point rule, whose nodes avoid t = 0. Requires a < b.
 */
export function onBisectedRange(f: Batch, dim: number, a: number, b: number): Bisected {
  if (Number.isFinite(a) && Number.isFinite(b)) return { f, lo: a, hi: b, rule: K21, toX: (t) => t };
  const both = !Number.isFinite(a) && !Number.isFinite(b);
  const [base, sign] = both ? [0, 1] : Number.isFinite(a) ? [a, 1] : [b, -1];
  const toX = (t: number) => base + (sign * (1 - t)) / t;
  const g: Batch = (ts) => {
    const k = ts.length;
    const xs = new Float64Array(both ? 2 * k : k);
    ts.forEach((t, i) => {
      xs[i] = toX(t);
      if (both) xs[k + i] = -xs[i]!;
    });
    const fx = f(xs);
    const out = new Float64Array(k * dim);
    for (let i = 0; i < k; i++) {
      for (let c = 0; c < dim; c++) {
        const v = fx[i * dim + c]! + (both ? fx[(k + i) * dim + c]! : 0);
        out[i * dim + c] = v / ts[i]! / ts[i]!;
      }
    }
    return out;
  };
  return { f: g, lo: 0, hi: 1, rule: K15, toX };
}
