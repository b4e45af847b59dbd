import { randomBitsStorage, randomUniformStorage, shapeString, type DType, type Shape } from "../../array/index.js";
import { bind1 } from "../interpreter.js";
import { definePrimitive, type Aval, type Primitive } from "../primitive.js";
import { batchByLoop } from "./rules.js";

function checkKey(op: string, key: Aval): void {
  if (key.dtype !== "int32" || key.shape.length !== 1 || key.shape[0] !== 2) {
    throw new Error(`${op}: a key is an int32 array of shape (2,) from random.key, got ${key.dtype}${shapeString(key.shape)}`);
  }
}

// Samples depend on the key only through integer bits: no derivative flows.

/** Raw threefry bits of `shape` from one key (int32 bit patterns). */
export const randomBits: Primitive<{ shape: Shape }> = definePrimitive({
  name: "random_bits",
  shapeRule([key], { shape }) {
    checkKey("random.bits", key!);
    return [{ shape, dtype: "int32" }];
  },
  impl([key], { shape }) {
    return [randomBitsStorage(key!, shape)];
  },
  jvp: ([key], _t, params) => [[bind1(randomBits, [key!], params)], [null]],
  vjp: () => [null],
  batch: (args, batched, params, size) => batchByLoop(randomBits, args, batched, params, size),
});

/** Uniform samples in [0, 1) of `shape` from one key. */
export const randomUniform: Primitive<{ shape: Shape; dtype: DType }> = definePrimitive({
  name: "random_uniform",
  shapeRule([key], { shape, dtype }) {
    checkKey("random.uniform", key!);
    if (dtype !== "float64" && dtype !== "float32") throw new Error(`random.uniform: dtype must be float, got ${dtype}`);
    return [{ shape, dtype }];
  },
  impl([key], { shape, dtype }) {
    return [randomUniformStorage(key!, shape, dtype)];
  },
  jvp: ([key], _t, params) => [[bind1(randomUniform, [key!], params)], [null]],
  vjp: () => [null],
  batch: (args, batched, params, size) => batchByLoop(randomUniform, args, batched, params, size),
});
