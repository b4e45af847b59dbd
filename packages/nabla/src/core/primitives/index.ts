// Every primitive of nabla, one record each; `np` is the public face over them.
export { unaryPrimitives, binaryPrimitives, select, convert, stopGradient } from "./elementwise.js";
export { reduceSum, reduceProd, reduceMax, reduceMin, argmax, argmin } from "./reduce.js";
export { reshape, transpose, broadcastTo, slice, pad, concatenate, take, scatterAdd, argsort, type SliceParams } from "./layout.js";
export { placeWindow, instantiate, addTangents, unbroadcast, materializeBatch, alignForBroadcast, batchByLoop } from "./rules.js";
export { matmul } from "./linalg.js";
export { cumsum, cumprod, cummax, cummin, type CumulativeParams } from "./cumulative.js";
export { takeAlongAxis, scatterAddAlongAxis, searchsorted } from "./gather.js";
