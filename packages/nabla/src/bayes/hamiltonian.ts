// The Hamiltonian system HMC and NUTS integrate, in plain JavaScript over Float64Arrays:
// H(q, p) = −log p(q) + ½·pᵀM⁻¹p with a diagonal inverse mass M⁻¹, the leapfrog
// integrator, and a buffered stream of random numbers drawn from a key. This is the hot
// loop: a leapfrog step costs one gradient call and allocates nothing.
//
// What needs the density is a generator (`NeedsDensity`) that yields the point to evaluate
// and resumes once the driver has filled its log density and gradient: so the driver
// (mcmc.ts) can run every chain in lockstep and evaluate their points in one batched call.
import { type Array } from "../core/index.js";
import * as random from "../random/index.js";

/** An energy error above this marks a divergent transition (Stan's max_deltaH). */
export const MAX_ENERGY_ERROR = 1000;

/** Writes ∇log p(q) into `grad` and returns log p(q). */
export type FlatDensity = (q: Float64Array, grad: Float64Array) => number;

/**
 * A computation returning R that needs the density: it yields each point whose log
 * density and gradient it needs, to be filled in (`evaluate`) before it resumes.
 */
export type NeedsDensity<R> = Generator<Point, R, void>;

/** A state of a chain: position, log density, gradient. */
export interface Point {
  q: Float64Array;
  grad: Float64Array;
  logp: number;
}

/** A point of a trajectory: a state and its momentum. */
export interface Phase extends Point {
  p: Float64Array;
}

export function newPoint(dim: number): Point {
  return { q: new Float64Array(dim), grad: new Float64Array(dim), logp: NaN };
}

export function newPhase(dim: number): Phase {
  return { ...newPoint(dim), p: new Float64Array(dim) };
}

/** Copies position, gradient and log density (not momentum) from `src` into `dst`. */
export function copyPoint(dst: Point, src: Point): void {
  dst.q.set(src.q);
  dst.grad.set(src.grad);
  dst.logp = src.logp;
}

export function copyPhase(dst: Phase, src: Phase): void {
  copyPoint(dst, src);
  dst.p.set(src.p);
}

/** Evaluates the density at `point.q`, filling its log density and gradient. */
export function evaluate(point: Point, density: FlatDensity): void {
  point.logp = density(point.q, point.grad);
}

/** H = −log p(q) + ½·pᵀM⁻¹p; +∞ where the density is not finite (NaN included). */
export function energy(z: Phase, invMass: Float64Array): number {
  let kinetic = 0;
  for (let i = 0; i < z.p.length; i++) kinetic += invMass[i]! * z.p[i]! * z.p[i]!;
  const h = 0.5 * kinetic - z.logp;
  return Number.isNaN(h) ? Infinity : h;
}

/** Momentum p ~ N(0, M), M = diag(1/invMass). */
export function sampleMomentum(p: Float64Array, invMass: Float64Array, rng: RandomStream): void {
  for (let i = 0; i < p.length; i++) p[i] = rng.normal() / Math.sqrt(invMass[i]!);
}

/**
 * One leapfrog step of size `eps` (negative integrates backwards in time; the momentum
 * keeps its orientation), in place: half kick, drift, gradient (yielded), half kick.
 */
export function* leapfrog(z: Phase, eps: number, invMass: Float64Array): NeedsDensity<void> {
  const { q, p, grad } = z;
  for (let i = 0; i < q.length; i++) {
    p[i]! += 0.5 * eps * grad[i]!;
    q[i]! += eps * invMass[i]! * p[i]!;
  }
  yield z;
  for (let i = 0; i < q.length; i++) p[i]! += 0.5 * eps * grad[i]!;
}

/**
 * Uniform and standard normal numbers drawn from a key in blocks (random.uniform and
 * random.normal on a fresh split of the key per block): the samplers need a few numbers
 * per step, and one nabla call per number would cost more than the gradient.
 */
export class RandomStream {
  private uniforms: Float64Array = new Float64Array(0);
  private normals: Float64Array = new Float64Array(0);
  private nextUniform = 0;
  private nextNormal = 0;

  constructor(
    private key: Array,
    private readonly block = 2048,
  ) {}

  uniform(): number {
    if (this.nextUniform === this.uniforms.length) {
      this.uniforms = random.uniform(this.freshKey(), [this.block]).toFloat64Array();
      this.nextUniform = 0;
    }
    return this.uniforms[this.nextUniform++]!;
  }

  normal(): number {
    if (this.nextNormal === this.normals.length) {
      this.normals = random.normal(this.freshKey(), [this.block]).toFloat64Array();
      this.nextNormal = 0;
    }
    return this.normals[this.nextNormal++]!;
  }

  private freshKey(): Array {
    const [next, use] = random.split(this.key);
    this.key = next!;
    return use!;
  }
}
