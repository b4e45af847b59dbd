// Neural-network functions, as jax.nn (and the convolutions of jax.lax): activations,
// normalizations, one-hot, attention, convolutions and pooling. The convolution is a
// primitive (conv-primitive.ts); everything else is composed from np ops.
export { relu, relu6, leakyRelu, elu, gelu, silu, swish, softplus, logSigmoid } from "./activations.js";
export { softmax, logSoftmax, standardize, oneHot } from "./normalize.js";
export { dotProductAttention, type AttentionOptions } from "./attention.js";
export { conv, convTranspose, type ConvOptions, type ConvTransposeOptions, type Padding } from "./conv.js";
export { maxPool, avgPool, type PoolOptions } from "./pool.js";
