import { broadcastShapes, matmulStorage, shapeString } from "../../array/index.js";
import { definePrimitive } from "../primitive.js";

/** Batched matrix product of operands of rank ≥ 2 (numpy's matmul without the 1-D cases). */
export const matmul = definePrimitive<Record<string, never>>({
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
});
