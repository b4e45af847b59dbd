// The No-U-Turn Sampler in its multinomial form (Betancourt 2017, "A Conceptual
// Introduction to Hamiltonian Monte Carlo", appendix A; Stan's base_nuts): the trajectory
// doubles forwards or backwards in time until it turns back on itself, and the next state
// is drawn from all of its points with weights e^{−H}, progressively as it grows.
// - U-turn: the generalized criterion p♯ᵀρ > 0 at both ends, ρ the summed momenta and
//   p♯ = M⁻¹p, checked on every merged subtree, and also on each half extended by the
//   nearest point of the other (which catches turns that the halves alone hide).
// - Within a subtree the candidate is drawn in proportion to the halves' weights; at the
//   top, the new subtree's candidate is preferred (biased progressive sampling), which
//   favours later points and so mixes better.
// - An energy error above 1000 is a divergence: the subtree is dropped and the tree stops.
import { checkInteger } from "../array/index.js";
import { copyPoint, energy, leapfrog, MAX_ENERGY_ERROR, newPhase, newPoint, sampleMomentum, type NeedsDensity, type Phase, type Point, type RandomStream } from "./hamiltonian.js";
import { runSampler, sharedOptions, type McmcOptions, type McmcResult, type Transition } from "./mcmc.js";
import type { LogDensity } from "./target.js";

export interface NutsOptions<T> extends McmcOptions<T> {
  /** At most 2^maxTreeDepth leapfrog steps per transition. Default 10. */
  maxTreeDepth?: number;
}

/** A finished stretch of trajectory, in the order it was built. */
interface Subtree {
  /** Summed momenta. */
  rho: Float64Array;
  /** Momenta at the first and last points built. */
  pBegin: Float64Array;
  pEnd: Float64Array;
  /** The point drawn from it so far, and log Σ e^{H₀−H} over its points. */
  sample: Point;
  logWeight: number;
}

const newSubtree = (dim: number): Subtree => ({ rho: new Float64Array(dim), pBegin: new Float64Array(dim), pEnd: new Float64Array(dim), sample: newPoint(dim), logWeight: -Infinity });

/** p♯ᵀ(ρ + extra) > 0 for both end momenta a and b, p♯ = M⁻¹p. */
function noUTurn(a: Float64Array, b: Float64Array, rho: Float64Array, invMass: Float64Array, extra?: Float64Array): boolean {
  let da = 0;
  let db = 0;
  for (let i = 0; i < rho.length; i++) {
    const r = rho[i]! + (extra ? extra[i]! : 0);
    da += invMass[i]! * a[i]! * r;
    db += invMass[i]! * b[i]! * r;
  }
  return da > 0 && db > 0;
}

const logAddExp = (a: number, b: number) => (a === -Infinity ? b : b === -Infinity ? a : Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b))));

function nutsTransition(dim: number, maxDepth: number): Transition {
  // Workspace reused by every transition: build(depth) keeps its right half in scratch[depth − 1].
  const scratch = Array.from({ length: maxDepth }, () => newSubtree(dim));
  const whole = newSubtree(dim);
  const forward = newPhase(dim);
  const backward = newPhase(dim);
  let h0 = 0;
  let acceptanceSum = 0;
  let leapfrogs = 0;
  let divergent = false;
  let invMass: Float64Array = new Float64Array(dim);
  let rng: RandomStream;

  /** Merges `right` into `left` (built just before it); false if the union turns back. */
  function merge(left: Subtree, right: Subtree, biased: boolean): boolean {
    const uTurnFree =
      noUTurn(left.pBegin, right.pBegin, left.rho, invMass, right.pBegin) && noUTurn(left.pEnd, right.pEnd, right.rho, invMass, left.pEnd);
    const total = logAddExp(left.logWeight, right.logWeight);
    const take = Math.exp(right.logWeight - (biased ? left.logWeight : total));
    if (take >= 1 || rng.uniform() < take) copyPoint(left.sample, right.sample);
    left.logWeight = total;
    for (let i = 0; i < dim; i++) left.rho[i]! += right.rho[i]!;
    left.pEnd.set(right.pEnd);
    return uTurnFree && noUTurn(left.pBegin, left.pEnd, left.rho, invMass);
  }

  /** 2^depth leapfrog steps from `edge` in direction `dir` (±1), into `out`; false if invalid. */
  function* build(depth: number, edge: Phase, stepSize: number, out: Subtree): NeedsDensity<boolean> {
    if (depth === 0) {
      yield* leapfrog(edge, stepSize, invMass);
      leapfrogs++;
      const error = energy(edge, invMass) - h0;
      acceptanceSum += error > 0 ? Math.exp(-error) : 1;
      if (!(error <= MAX_ENERGY_ERROR)) return !(divergent = true);
      out.logWeight = -error;
      copyPoint(out.sample, edge);
      out.rho.set(edge.p);
      out.pBegin.set(edge.p);
      out.pEnd.set(edge.p);
      return true;
    }
    const right = scratch[depth - 1]!;
    return (yield* build(depth - 1, edge, stepSize, out)) && (yield* build(depth - 1, edge, stepSize, right)) && merge(out, right, false);
  }

  /** Swaps the ends of the whole trajectory, to merge a subtree built backwards in time. */
  function reverse(): void {
    [whole.pBegin, whole.pEnd] = [whole.pEnd, whole.pBegin];
  }

  return function* (state, stepSize, currentInvMass, stream) {
    invMass = currentInvMass;
    rng = stream;
    copyPoint(forward, state);
    sampleMomentum(forward.p, invMass, rng);
    copyPoint(backward, forward);
    backward.p.set(forward.p);
    h0 = energy(forward, invMass);
    acceptanceSum = 0;
    leapfrogs = 0;
    divergent = false;
    copyPoint(whole.sample, state);
    whole.logWeight = 0;
    whole.rho.set(forward.p);
    whole.pBegin.set(forward.p);
    whole.pEnd.set(forward.p);
    let depth = 0;
    while (depth < maxDepth) {
      const dir = rng.uniform() < 0.5 ? -1 : 1;
      const subtree = scratch[depth]!;
      if (!(yield* build(depth, dir > 0 ? forward : backward, dir * stepSize, subtree))) break;
      depth++;
      if (dir < 0) reverse();
      const goOn = merge(whole, subtree, true);
      if (dir < 0) reverse();
      if (!goOn) break;
    }
    copyPoint(state, whole.sample);
    return { acceptance: acceptanceSum / leapfrogs, divergent, treeDepth: depth };
  };
}

/**
 * The No-U-Turn Sampler: HMC whose trajectories grow until they turn back (multinomial
 * NUTS with the generalized U-turn criterion, as Stan and BlackJAX), so no number of
 * steps needs tuning. `logDensity` maps a pytree shaped as `x0` to a scalar unnormalized
 * log density. Warm-up follows Stan: dual averaging of the step size to
 * `targetAcceptance` (0.8) and a diagonal inverse mass matrix from the slow windows;
 * `treeDepth` reports the mean depth per chain, `divergences` the transitions whose
 * energy error exceeded 1000. Chains run in lockstep in this process, their gradients
 * evaluated in one batched call (vmap); chain c draws from random.split(key, chains)[c], so
 * the result is determined by the key. Failures are reported in `status` and `message`;
 * bad options, a non-float x0 or a non-scalar logDensity throw.
 *
 * @example
 * const data = np.array([1.2, 0.4, 2.1, 1.7, 0.9]);
 * const logDensity = ({ mu, logSigma }: { mu: Array; logSigma: Array }) =>
 *   stats.norm.logpdf(data, mu, np.exp(logSigma)).sum();
 * const r = bayes.nuts(logDensity, { mu: np.array(0), logSigma: np.array(0) }, { key: random.key(0) });
 * r.samples.mu.shape; // [4, 1000]
 * r.summary.maxRhat; // ≈ 1.00
 */
export function nuts<T>(logDensity: LogDensity<T>, x0: T, opts: NutsOptions<T>): McmcResult<T> {
  const settings = sharedOptions("nuts", opts, ["maxTreeDepth"]);
  const maxDepth = checkInteger("nuts", "maxTreeDepth", settings.o.maxTreeDepth, 10, 1);
  return runSampler("nuts", logDensity, x0, settings, {
    targetAcceptance: 0.8,
    transition: (dim) => nutsTransition(dim, maxDepth),
    reportsDepth: true,
  });
}
