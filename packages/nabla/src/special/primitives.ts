// The special functions' primitives: elementwise, float-only, broadcasting like numpy.
// Each kernel calls a named scalar function (array/special/, through kernels/special.ts);
// each derivative is the function's closed form written with public ops, so derivatives
// of any order compose (lgamma′ = digamma, digamma′ = polygamma(1, ·), …). Two derivatives
// do not exist or are not implemented and say so when asked for: polygamma's in its
// integer order n, and the second derivative of gammainc in a (∂/∂a of gammainc_grad_a).
import { type Array, bind1, np, definePrimitive, type Aval, type Primitive, type Tangent, addTangents, alignForBroadcast, unbroadcast, elementwiseLowering } from "../core/index.js";
import { broadcastShapes, elementwise, isFloat, sameShape, type ElementwiseOp } from "../array/index.js";
import * as special from "./index.js";

/** ∂out/∂input from the inputs and the output; it may throw where there is no derivative. */
type Partial = (xs: readonly Array[], out: Array) => Array;

const TWO_RSQRT_PI = 1.1283791670955126; // 2/√π
const RSQRT_2PI = 0.3989422804014327; // 1/√(2π)
const SQRT_2PI = 2.5066282746310002;
const HALF_SQRT_PI = 0.886226925452758; // √π/2

/** x^{a−1}e^{−x}/Γ(a) = ∂P(a, x)/∂x, the gamma density (xlogy makes it 1 at a = 1, x = 0). */
const gammaDensity = (a: Array, x: Array): Array => np.exp(np.sub(np.sub(special.xlogy(np.sub(a, 1), x), x), special.lgamma(a)));

const PARTIALS: Record<string, readonly Partial[]> = {
  erf: [([x]) => np.mul(TWO_RSQRT_PI, np.exp(np.neg(np.square(x!))))],
  erfc: [([x]) => np.mul(-TWO_RSQRT_PI, np.exp(np.neg(np.square(x!))))],
  erfinv: [(_, out) => np.mul(HALF_SQRT_PI, np.exp(np.square(out)))],
  lgamma: [([x]) => special.digamma(x!)],
  digamma: [([x]) => special.polygamma(1, x!)],
  logit: [([x]) => np.div(1, np.mul(x!, np.sub(1, x!)))],
  ndtr: [([x]) => np.mul(RSQRT_2PI, np.exp(np.mul(-0.5, np.square(x!))))],
  ndtri: [(_, out) => np.mul(SQRT_2PI, np.exp(np.mul(0.5, np.square(out))))],
  // φ(x)/Φ(x) as e^{−x²/2 − log Φ(x)}: no overflow or 0/0 in the lower tail.
  logNdtr: [([x], out) => np.mul(RSQRT_2PI, np.exp(np.sub(np.mul(-0.5, np.square(x!)), out)))],
  polygamma: [
    () => {
      throw new Error("special.polygamma: there is no derivative with respect to the order n (an integer)");
    },
    ([n, x]) => special.polygamma(np.add(n!, 1), x!),
  ],
  betaln: [
    ([a, b]) => np.sub(special.digamma(a!), special.digamma(np.add(a!, b!))),
    ([a, b]) => np.sub(special.digamma(b!), special.digamma(np.add(a!, b!))),
  ],
  gammainc: [([a, x]) => bind1(gammaincGradA, [a!, x!], {}), ([a, x]) => gammaDensity(a!, x!)],
  gammaincc: [([a, x]) => np.neg(bind1(gammaincGradA, [a!, x!], {})), ([a, x]) => np.neg(gammaDensity(a!, x!))],
  gammainc_grad_a: [
    () => {
      throw new Error(
        "special.gammainc: the second derivative with respect to a is not implemented (∂P/∂a is, and all derivatives in x)",
      );
    },
    // ∂/∂x of ∂P/∂a = ∂/∂a of the density = density·(log x − ψ(a)).
    ([a, x]) => np.mul(gammaDensity(a!, x!), np.sub(np.log(x!), special.digamma(a!))),
  ],
};

function shapeRule(op: string, arity: number) {
  return (inputs: readonly Aval[]): Aval[] => {
    if (inputs.length !== arity) throw new Error(`${op}: expects ${arity} inputs, got ${inputs.length}`);
    const dtype = inputs[0]!.dtype;
    if (!isFloat(dtype)) throw new Error(`${op}: needs a floating-point input, got ${dtype}`);
    for (const x of inputs) if (x.dtype !== dtype) throw new Error(`${op}: dtypes differ (${inputs.map((i) => i.dtype).join(", ")})`);
    return [{ shape: arity === 1 ? inputs[0]!.shape : broadcastShapes(op, ...inputs.map((i) => i.shape)), dtype }];
  };
}

function specialPrimitive(op: ElementwiseOp): Primitive<Record<string, never>> {
  const partials = PARTIALS[op]!;
  const prim: Primitive<Record<string, never>> = definePrimitive({
    name: op,
    shapeRule: shapeRule(op, partials.length),
    impl: (inputs, _params, [out]) => [elementwise(op, [...inputs], out!.shape, out!.dtype)],
    jvp(xs, ts) {
      const out = bind1(prim, xs, {});
      let t: Tangent = null;
      for (let i = 0; i < ts.length; i++) {
        const ti = ts[i];
        if (ti) t = addTangents(t, np.mul(ti, partials[i]!(xs, out)));
      }
      return [[out], [t === null || sameShape(t.shape, out.shape) ? t : np.broadcastTo(t, out.shape)]];
    },
    vjp([ct], xs, [out], _params, wanted) {
      return xs.map((x, i) => (ct && wanted[i] ? unbroadcast(np.mul(ct, partials[i]!(xs, out!)), x.shape) : null));
    },
    batch: (args, batched) => [[bind1(prim, alignForBroadcast(args, batched), {})], [true]],
    lower: elementwiseLowering(() => op),
  });
  return prim;
}

/** ∂P(a, x)/∂a, bound by the derivative rules of gammainc and gammaincc. */
export const gammaincGradA = specialPrimitive("gammainc_grad_a");

export const specialPrimitives = Object.fromEntries(
  (["erf", "erfc", "erfinv", "lgamma", "digamma", "logit", "ndtr", "ndtri", "logNdtr", "polygamma", "betaln", "gammainc", "gammaincc"] as const).map(
    (op) => [op, specialPrimitive(op)],
  ),
) as Record<"erf" | "erfc" | "erfinv" | "lgamma" | "digamma" | "logit" | "ndtr" | "ndtri" | "logNdtr" | "polygamma" | "betaln" | "gammainc" | "gammaincc", Primitive<Record<string, never>>>;
