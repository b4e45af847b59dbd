import { broadcastShapes, elementwise, isFloat, sameShape, type DType, type ElementwiseOp } from "../../array/index.js";
import type { Array } from "../array.js";
import * as np from "../np/index.js";
import { definePrimitive, type Aval, type Primitive, type Tangent } from "../primitive.js";
import { addTangents, alignForBroadcast, instantiate, unbroadcast } from "./rules.js";
import { bind1 } from "../interpreter.js";

type UnaryOp = "neg" | "square" | "exp" | "log" | "log1p" | "expm1" | "sin" | "cos" | "tan" | "tanh" | "sinh" | "cosh"
  | "arcsin" | "arccos" | "arctan" | "sqrt" | "abs" | "sign" | "sigmoid" | "floor" | "logicalNot";
type BinaryOp = "add" | "sub" | "mul" | "div" | "pow" | "arctan2" | "maximum" | "minimum"
  | "equal" | "notEqual" | "less" | "lessEqual" | "greater" | "greaterEqual" | "logicalAnd" | "logicalOr";

/** Ops whose inputs must be floating point (`np` casts integers first). */
const FLOAT_ONLY = new Set<string>([
  "exp", "log", "log1p", "expm1", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arcsin", "arccos",
  "arctan", "sqrt", "sigmoid", "div", "pow", "arctan2", "floor",
]);
const GIVES_BOOL = new Set<string>([
  "equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual", "logicalAnd", "logicalOr", "logicalNot",
]);

/** A partial derivative: an array, a constant, or null for zero. */
type Partial = Array | number | null;

/**
 * d out / d x of each unary op, from the input x and the output. The same factor gives
 * the JVP (t · d) and the VJP (ct · d), since elementwise Jacobians are diagonal.
 */
const UNARY_DERIVATIVES: Record<UnaryOp, (x: Array, out: Array) => Partial> = {
  neg: () => -1,
  square: (x) => np.mul(x, 2),
  exp: (_x, out) => out,
  log: (x) => np.div(1, x),
  log1p: (x) => np.div(1, np.add(1, x)),
  expm1: (_x, out) => np.add(out, 1),
  sin: (x) => np.cos(x),
  cos: (x) => np.neg(np.sin(x)),
  tan: (_x, out) => np.add(1, np.square(out)),
  tanh: (_x, out) => np.sub(1, np.square(out)),
  sinh: (x) => np.cosh(x),
  cosh: (x) => np.sinh(x),
  arcsin: (x) => np.div(1, np.sqrt(np.sub(1, np.square(x)))),
  arccos: (x) => np.div(-1, np.sqrt(np.sub(1, np.square(x)))),
  arctan: (x) => np.div(1, np.add(1, np.square(x))),
  sqrt: (_x, out) => np.div(0.5, out),
  abs: (x) => np.sign(x),
  sign: () => null,
  sigmoid: (_x, out) => np.mul(out, np.sub(1, out)),
  floor: () => null,
  logicalNot: () => null,
};

/** Where x > y: 1; where x < y: 0; ties split evenly (as JAX), in the dtype of x. */
function share(x: Array, y: Array): Array {
  return np.astype(np.where(np.greater(x, y), 1, np.where(np.less(x, y), 0, 0.5)), x.dtype);
}

/** d out / d x and d out / d y of each binary op, from the inputs and the output. */
const BINARY_PARTIALS: Record<BinaryOp, [(x: Array, y: Array, out: Array) => Partial, (x: Array, y: Array, out: Array) => Partial]> = {
  add: [() => 1, () => 1],
  sub: [() => 1, () => -1],
  mul: [(_x, y) => y, (x) => x],
  div: [(_x, y) => np.div(1, y), (_x, y, out) => np.neg(np.div(out, y))],
  pow: [
    (x, y) => np.mul(y, np.pow(x, np.sub(y, 1))),
    // x^y · log x, with 0^y treated as flat in y (log 0 would give NaN·0).
    (x, _y, out) => np.where(np.equal(x, 0), 0, np.mul(out, np.log(x))),
  ],
  // arctan2(y, x) is called with (first, second) = (y, x).
  arctan2: [
    (a, b) => np.div(b, np.add(np.square(a), np.square(b))),
    (a, b) => np.neg(np.div(a, np.add(np.square(a), np.square(b)))),
  ],
  maximum: [(x, y) => share(x, y), (x, y) => share(y, x)],
  minimum: [(x, y) => share(y, x), (x, y) => share(x, y)],
  equal: [() => null, () => null],
  notEqual: [() => null, () => null],
  less: [() => null, () => null],
  lessEqual: [() => null, () => null],
  greater: [() => null, () => null],
  greaterEqual: [() => null, () => null],
  logicalAnd: [() => null, () => null],
  logicalOr: [() => null, () => null],
};

/** t · d, skipping the multiplication for the constants ±1. */
function scale(t: Tangent, d: Partial): Tangent {
  if (t === null || d === null) return null;
  if (d === 1) return t;
  if (d === -1) return np.neg(t);
  return np.mul(t, d);
}

function toShape(t: Tangent, shape: readonly number[]): Tangent {
  return t === null || sameShape(t.shape, shape) ? t : np.broadcastTo(t, shape);
}

function elementwiseShapeRule(op: ElementwiseOp, arity: number) {
  return (inputs: readonly Aval[]): Aval[] => {
    if (inputs.length !== arity) throw new Error(`${op}: expects ${arity} inputs, got ${inputs.length}`);
    const dtype = inputs[0]!.dtype;
    for (const x of inputs) {
      if (x.dtype !== dtype) throw new Error(`${op}: dtypes differ (${inputs.map((i) => i.dtype).join(", ")})`);
    }
    if (FLOAT_ONLY.has(op) && !isFloat(dtype)) throw new Error(`${op}: needs a floating-point input, got ${dtype}`);
    const shape = arity === 1 ? inputs[0]!.shape : broadcastShapes(op, ...inputs.map((i) => i.shape));
    return [{ shape, dtype: GIVES_BOOL.has(op) ? "bool" : dtype }];
  };
}

function elementwiseBatch(prim: Primitive) {
  return (args: readonly Array[], batched: readonly boolean[], params: unknown): [Array[], boolean[]] => [
    [bind1(prim, alignForBroadcast(args, batched), params)],
    [true],
  ];
}

function unaryPrimitive(op: UnaryOp): Primitive<Record<string, never>> {
  const derivative = UNARY_DERIVATIVES[op];
  const prim: Primitive<Record<string, never>> = definePrimitive({
    name: op,
    shapeRule: elementwiseShapeRule(op, 1),
    impl(inputs, _params, [out]) {
      return [elementwise(op, [...inputs], out!.shape, out!.dtype)];
    },
    jvp([x], [t], params) {
      const out = bind1(prim, [x!], params);
      return [[out], [t ? scale(t, derivative(x!, out)) : null]];
    },
    vjp([ct], [x], [out]) {
      return [ct ? scale(ct, derivative(x!, out!)) : null];
    },
    batch: (args, batched, params) => elementwiseBatch(prim)(args, batched, params),
  });
  return prim;
}

function binaryPrimitive(op: BinaryOp): Primitive<Record<string, never>> {
  const [dx, dy] = BINARY_PARTIALS[op];
  const prim: Primitive<Record<string, never>> = definePrimitive({
    name: op,
    shapeRule: elementwiseShapeRule(op, 2),
    impl(inputs, _params, [out]) {
      return [elementwise(op, [...inputs], out!.shape, out!.dtype)];
    },
    jvp([x, y], [tx, ty], params) {
      const out = bind1(prim, [x!, y!], params);
      if (GIVES_BOOL.has(op)) return [[out], [null]];
      const t = addTangents(tx ? scale(tx, dx(x!, y!, out)) : null, ty ? scale(ty, dy(x!, y!, out)) : null);
      return [[out], [toShape(t, out.shape)]];
    },
    vjp([ct], [x, y], [out], _params, wanted) {
      if (!ct) return [null, null];
      const cx = wanted[0] ? scale(ct, dx(x!, y!, out!)) : null;
      const cy = wanted[1] ? scale(ct, dy(x!, y!, out!)) : null;
      return [cx && unbroadcast(cx, x!.shape), cy && unbroadcast(cy, y!.shape)];
    },
    batch: (args, batched, params) => elementwiseBatch(prim)(args, batched, params),
  });
  return prim;
}

export const unaryPrimitives = Object.fromEntries(
  (Object.keys(UNARY_DERIVATIVES) as UnaryOp[]).map((op) => [op, unaryPrimitive(op)]),
) as Record<UnaryOp, Primitive<Record<string, never>>>;

export const binaryPrimitives = Object.fromEntries(
  (Object.keys(BINARY_PARTIALS) as BinaryOp[]).map((op) => [op, binaryPrimitive(op)]),
) as Record<BinaryOp, Primitive<Record<string, never>>>;

/** `select(cond, x, y)`: x where cond is true, else y; the three broadcast together. */
export const select: Primitive<Record<string, never>> = definePrimitive({
  name: "select",
  shapeRule([cond, x, y]) {
    if (cond!.dtype !== "bool") throw new Error(`where: the condition must be bool, got ${cond!.dtype}`);
    if (x!.dtype !== y!.dtype) throw new Error(`where: dtypes differ (${x!.dtype}, ${y!.dtype})`);
    return [{ shape: broadcastShapes("where", cond!.shape, x!.shape, y!.shape), dtype: x!.dtype }];
  },
  impl(inputs, _params, [out]) {
    return [elementwise("select", [...inputs], out!.shape, out!.dtype)];
  },
  jvp([c, x, y], [, tx, ty], params) {
    const out = bind1(select, [c!, x!, y!], params);
    if (!tx && !ty) return [[out], [null]];
    return [[out], [bind1(select, [c!, instantiate(tx ?? null, x!), instantiate(ty ?? null, y!)], params)]];
  },
  vjp([ct], [c, x, y], _outs, _params, wanted) {
    if (!ct) return [null, null, null];
    const zero = np.zeros([], { dtype: ct.dtype });
    return [
      null,
      wanted[1] ? unbroadcast(bind1(select, [c!, ct, zero], {}), x!.shape) : null,
      wanted[2] ? unbroadcast(bind1(select, [c!, zero, ct], {}), y!.shape) : null,
    ];
  },
  batch: (args, batched, params) => elementwiseBatch(select)(args, batched, params),
});

/** Changes the element type (numpy's `astype`); float to int truncates toward zero. */
export const convert: Primitive<{ dtype: DType }> = definePrimitive({
  name: "convert",
  shapeRule([x], { dtype }) {
    return [{ shape: x!.shape, dtype }];
  },
  impl([x], { dtype }) {
    // Typed-array assignment does the conversion; bool needs "nonzero", not truncation.
    return [elementwise(dtype === "bool" ? "nonzero" : "copy", [x!], x!.shape, dtype)];
  },
  jvp([x], [t], params) {
    const out = bind1(convert, [x!], params);
    return [[out], [t && isFloat(params.dtype) && isFloat(x!.dtype) ? bind1(convert, [t], params) : null]];
  },
  vjp([ct], [x]) {
    return [ct && isFloat(x!.dtype) ? np.astype(ct, x!.dtype) : null];
  },
  batch: ([x], _b, params) => [[bind1(convert, [x!], params)], [true]],
});

/** The identity whose derivative is zero: what `stopGradient` binds. */
export const stopGradient: Primitive<Record<string, never>> = definePrimitive({
  name: "stop_gradient",
  shapeRule: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }],
  impl: ([x]) => [x!],
  jvp: ([x]) => [[bind1(stopGradient, [x!], {})], [null]],
  vjp: () => [null],
  batch: ([x]) => [[bind1(stopGradient, [x!], {})], [true]],
});
