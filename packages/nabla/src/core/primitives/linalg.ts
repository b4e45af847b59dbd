import { broadcastShapes, matmulStorage, shapeString } from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import * as np from "../np/index.js";
import { definePrimitive, type Primitive } from "../primitive.js";
import { addTangents, alignForBroadcast, unbroadcast } from "./rules.js";

const mT = (x: Array) => np.swapaxes(x, -1, -2);

/** Batched matrix product of operands of rank ≥ 2 (numpy's matmul without the 1-D cases). */
export const matmul: Primitive<Record<string, never>> = definePrimitive({
  name: "matmul",
  shapeRule([a, b]) {
    const [sa, sb] = [a!.shape, b!.shape];
    if (sa.length < 2 || sb.length < 2 || sa[sa.length - 1] !== sb[sb.length - 2]) {
      throw new Error(`matmul: shapes ${shapeString(sa)} and ${shapeString(sb)} are not aligned`);
    }
    if (a!.dtype !== b!.dtype) throw new Error(`matmul: dtypes differ (${a!.dtype}, ${b!.dtype})`);
    const batch = broadcastShapes("matmul", sa.slice(0, -2), sb.slice(0, -2));
    return [{ shape: [...batch, sa[sa.length - 2]!, sb[sb.length - 1]!], dtype: a!.dtype }];
  },
  impl([a, b], _params, [out]) {
    return [matmulStorage(a!, b!, out!.shape)];
  },
  // d(AB) = dA·B + A·dB; the cotangents are ct·Bᵀ and Aᵀ·ct, summed over broadcast batches.
  jvp([a, b], [ta, tb]) {
    const out = bind1(matmul, [a!, b!], {});
    return [[out], [addTangents(ta ? bind1(matmul, [ta, b!], {}) : null, tb ? bind1(matmul, [a!, tb], {}) : null)]];
  },
  vjp([ct], [a, b], _o, _p, wanted) {
    if (!ct) return [null, null];
    return [
      wanted[0] ? unbroadcast(bind1(matmul, [ct, mT(b!)], {}), a!.shape) : null,
      wanted[1] ? unbroadcast(bind1(matmul, [mT(a!), ct], {}), b!.shape) : null,
    ];
  },
  batch: (args, batched) => [[bind1(matmul, alignForBroadcast(args, batched), {})], [true]],
});
