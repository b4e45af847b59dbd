// The coefficients of every method: Butcher tableaus of the explicit Runge–Kutta methods
// (with dopri5's and tsit5's dense output) and the Rosenbrock tableaus of rodas5 and
// rodas5p. Facts from the literature, checked by the order tests in
// test/ode/integrate.test.ts.
import type { AdaptiveMethod, FixedMethod } from "./types.js";

/** An explicit Runge–Kutta method: stage i reads y + h·Σⱼ a[i][j]·kⱼ at t + c[i]·h. */
export interface ExplicitTableau {
  a: readonly (readonly number[])[];
  c: readonly number[];
  /** The solution's weights: y_new = y + h·Σ b[j]·kⱼ. */
  b: readonly number[];
  /** b − b̂, the embedded pair's difference: the error estimate is h·Σ e[j]·kⱼ. */
  e?: readonly number[];
  /**
   * First same as last: the last stage reads y_new itself (its a-row is b), so its slope
   * is f(y_new) and starts the next step for free.
   */
  fsal: boolean;
  /**
   * The error estimate shrinks as h^errorOrder (the embedded order + 1): the controller's
   * exponents are over it.
   */
  errorOrder: number;
  /**
   * The method's own dense output, when it has one: weights w(θ) with
   * y(t + θh) = y + h·Σⱼ wⱼ(θ)·kⱼ. Without it, times inside a step get the cubic Hermite
   * interpolant of y and f at its ends.
   */
  dense?: (theta: number) => number[];
}

const DOPRI5_B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0];
// Shampine's (1986) continuous extension as in Hairer's DOPRI5: the cubic Hermite
// interpolant of the step (y, f at both ends, in the stages: f0 = k1, f1 = k7) plus
// θ²(1 − θ)²·h·Σⱼ dⱼkⱼ, which makes it of order 4.
const DOPRI5_D = [-12715105075 / 11282082432, 0, 87487479700 / 32700410799, -10690763975 / 1880347072, 701980252875 / 199316789632, -1453857185 / 822651844, 69997945 / 29380423];

function dopri5Dense(theta: number): number[] {
  const s = 1 - theta;
  return DOPRI5_B.map((b, j) => {
    const first = j === 0 ? 1 : 0;
    const last = j === 6 ? 1 : 0;
    return theta * b + theta * s * (first - b) + theta * theta * s * (2 * b - first - last) + (theta * s) ** 2 * DOPRI5_D[j]!;
  });
}

// Tsitouras' (2011) continuous extension of order 4, in the factored form diffrax uses.
function tsit5Dense(t: number): number[] {
  const t2 = t * t;
  return [
    -1.0530884977290216 * t * (t - 1.3299890189751412) * (t2 - 1.4364028541716351 * t + 0.7139816917074209),
    0.1017 * t2 * (t2 - 2.1966568338249754 * t + 1.2949852507374631),
    2.490627285651252793 * t2 * (t2 - 2.38535645472061657 * t + 1.57803468208092486),
    -16.54810288924490272 * (t - 1.21712927295533244) * (t - 0.61620406037800089) * t2,
    47.37952196281928122 * (t - 1.203071208372362603) * (t - 0.658047292653547382) * t2,
    -34.87065786149660974 * (t - 1.2) * (t - 0.666666666666666667) * t2,
    2.5 * (t - 1) * (t - 0.6) * t2,
  ];
}

export const EXPLICIT: Readonly<Record<FixedMethod | AdaptiveMethod, ExplicitTableau>> = {
  euler: { a: [[]], c: [0], b: [1], fsal: false, errorOrder: 0 },
  midpoint: { a: [[], [1 / 2]], c: [0, 1 / 2], b: [0, 1], fsal: false, errorOrder: 0 },
  heun: { a: [[], [1]], c: [0, 1], b: [1 / 2, 1 / 2], fsal: false, errorOrder: 0 },
  rk4: { a: [[], [1 / 2], [0, 1 / 2], [0, 0, 1]], c: [0, 1 / 2, 1 / 2, 1], b: [1 / 6, 1 / 3, 1 / 3, 1 / 6], fsal: false, errorOrder: 0 },
  // Bogacki & Shampine (1989), "A 3(2) pair of Runge–Kutta formulas".
  bosh3: {
    a: [[], [1 / 2], [0, 3 / 4], [2 / 9, 1 / 3, 4 / 9]],
    c: [0, 1 / 2, 3 / 4, 1],
    b: [2 / 9, 1 / 3, 4 / 9, 0],
    e: [-5 / 72, 1 / 12, 1 / 9, -1 / 8],
    fsal: true,
    errorOrder: 3,
  },
  // Dormand & Prince (1980), "A family of embedded Runge–Kutta formulae" (Hairer's DOPRI5).
  dopri5: {
    a: [
      [],
      [1 / 5],
      [3 / 40, 9 / 40],
      [44 / 45, -56 / 15, 32 / 9],
      [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
      [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
      [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
    ],
    c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
    b: DOPRI5_B,
    e: [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40],
    fsal: true,
    errorOrder: 5,
    dense: dopri5Dense,
  },
  // Tsitouras (2011), "Runge–Kutta pairs of order 5(4) satisfying only the first column
  // simplifying assumption": the paper's digits rounded to float64 (b̂₇ = 1/66, with
  // the sign corrected as in OrdinaryDiffEq and diffrax).
  tsit5: {
    a: [
      [],
      [0.161],
      [-0.008480655492356989, 0.335480655492357],
      [2.8971530571054935, -6.359448489975075, 4.3622954328695815],
      [5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525],
      [5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401, -0.028269050394068383],
      [0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081, 2.324710524099774],
    ],
    c: [0, 0.161, 0.327, 0.9, 0.9800255409045097, 1, 1],
    b: [0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081, 2.324710524099774, 0],
    e: [0.0017800110522257714, 0.0008164344596567469, -0.007880878010261995, 0.1447110071732629, -0.5823571654525552, 0.45808210592918697, -1 / 66],
    fsal: true,
    errorOrder: 5,
    dense: tsit5Dense,
  },
};

/**
 * A Rosenbrock method in Hairer & Wanner's transformed variables (no matrix-vector
 * products with J): with W = I/(h·γ) − J, stage i solves
 *   W·kᵢ = f(uᵢ, t + c[i]·h) + d[i]·h·∂f/∂t + Σⱼ (C[i][j]/h)·kⱼ,
 * where uᵢ = y + Σⱼ a[i][j]·kⱼ for the rows of `a`, and each later stage (the stiffly
 * accurate tail) reads the previous stage's u plus its k. y_new = u_last + k_last, and
 * k_last is the error estimate. Dense output (the method's own, stiff-aware, of order 4):
 * y(θ) = (1 − θ)·y0 + θ·y1 + θ(1 − θ)·Σⱼ (H[0][j] + θ·H[1][j] + θ²·H[2][j])·kⱼ.
 */
export interface RosenbrockTableau {
  gamma: number;
  a: readonly (readonly number[])[];
  C: readonly (readonly number[])[];
  c: readonly number[];
  d: readonly number[];
  H: readonly (readonly number[])[];
  errorOrder: number;
}

// Di Marzo (1993), "RODAS5(4) – Méthodes de Rosenbrock d'ordre 5(4) adaptées aux problèmes
// différentiels-algébriques", as tabulated in OrdinaryDiffEq.jl and diffrax. Stages 7 and
// 8 (a-rows a6 + [1] and a6 + [1, 1]) are the tail.
export const RODAS5: RosenbrockTableau = {
  gamma: 0.19,
  a: [
    [],
    [2.0],
    [3.040894194418781, 1.041747909077569],
    [2.576417536461461, 1.62208306077664, -0.9089668560264532],
    [2.760842080225597, 1.446624659844071, -0.3036980084553738, 0.2877498600325443],
    [-14.09640773051259, 6.925207756232704, -41.47510893210728, 2.343771018586405, 24.13215229196062],
  ],
  C: [
    [],
    [-10.31323885133993],
    [-21.04823117650003, -7.234992135176716],
    [32.22751541853323, -4.943732386540191, 19.44922031041879],
    [-20.69865579590063, -8.816374604402768, 1.260436877740897, -0.7495647613787146],
    [-46.22004352711257, -17.49534862857472, -289.6389582892057, 93.60855400400906, 318.3822534212147],
    [34.20013733472935, -14.1553540271769, 57.823356409884, 25.83362985412365, 1.408950972071624, -6.551835421242162],
    [42.57076742291101, -13.80770672017997, 93.98938432427124, 18.77919633714503, -31.5835918722337, -6.685968952921985, -5.810979938412932],
  ],
  c: [0, 0.38, 0.3878509998321533, 0.483971893787384, 0.457047700881958, 1, 1, 1],
  d: [0.19, -0.1823079225333714636, -0.319231832186874912, 0.3449828624725343, -0.377417564392089818, 0, 0, 0],
  H: [
    [27.354592673333357, -6.925207756232857, 26.40037733258859, 0.5635230501052979, -4.699151156849391, -1.6008677469422725, -1.5306074446748028, -1.3929872940716344],
    [44.19024239501722, 1.3677947663381929e-13, 202.93261852171622, -35.5669339789154, -181.91095152160645, 3.4116351403665033, 2.5793540257308067, 2.2435122582734066],
    [-44.0988150021747, -5.755396159656812e-13, -181.26175034586677, 56.99302194811676, 183.21182741427398, -7.480257918273637, -5.792426076169686, -5.32503859794143],
  ],
  errorOrder: 5,
};

// Steinebach (2023), "Construction of Rosenbrock–Wanner method Rodas5P and numerical
// benchmarks within the Julia Differential Equations package" (BIT 63:27), as tabulated in
// OrdinaryDiffEq.jl and diffrax. The same structure as Rodas5, but its error estimate escapes Rodas5's order
// reduction on Prothero–Robinson-type problems y' = λ(y − g(t)) + g'(t) with stiff λ:
// on y' = −1000(y − cos t) Rodas5's estimate is ~100× too pessimistic, so it takes many
// times more steps (see the tests).
export const RODAS5P: RosenbrockTableau = {
  gamma: 0.21193756319429014,
  a: [
    [],
    [3.0],
    [2.849394379747939, 0.45842242204463923],
    [-6.954028509809101, 2.489845061869568, -10.358996098473584],
    [2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641],
    [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946],
  ],
  C: [
    [],
    [-14.155112264123755],
    [-17.97296035885952, -2.859693295451294],
    [147.12150275711716, -1.41221402718213, 71.68940251302358],
    [165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306],
    [24.854864614690072, -3.0009227002832186, 47.4931110020768, 5.5814197821558125, -0.6610691825249471],
    [30.91273214028599, -3.1208243349937974, 77.79954646070892, 34.28646028294783, -19.097331116725623, -28.087943162872662],
    [37.80277123390563, -3.2571969029072276, 112.26918849496327, 66.9347231244047, -40.06618937091002, -54.66780262877968, -9.48861652309627],
  ],
  c: [0, 0.6358126895828704, 0.4095798393397535, 0.9769306725060716, 0.4288403609558664, 1, 1, 1],
  d: [0.21193756319429014, -0.42387512638858027, -0.3384627126235924, 1.8046452872882734, 2.325825639765069, 0, 0, 0],
  H: [
    [25.948786856663858, -2.5579724845846235, 10.433815404888879, -2.3679251022685204, 0.524948541321073, 1.1241088310450404, 0.4272876194431874, -0.17202221070155493],
    [-9.91568850695171, -0.9689944594115154, 3.0438037242978453, -24.495224566215796, 20.176138334709044, 15.98066361424651, -6.789040303419874, -6.710236069923372],
    [11.419903575922262, 2.8879645146136994, 72.92137995996029, 80.12511834622643, -52.072871366152654, -59.78993625266729, -0.15582684282751913, 4.883087185713722],
  ],
  errorOrder: 5,
};
