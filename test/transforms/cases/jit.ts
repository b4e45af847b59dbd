// Primitive-corpus cases for jit_call (issue 16): a jitted function under checkGrads (both
// modes, to second order: the rules' staged JVP and VJP programs, transformed again) and
// under vmap (the staged batched program) against a loop. Three shapes of use: a jitted
// function kept between calls (its derived programs cached), one that closes over a
// value the transformation traces (that value becomes an input of the call), and a
// jitted function called inside another (a jit_call inside the program transformed).
import { jit, np, type Array } from "nabla";
import { addCase, compatibleShapes, dims, floats, sin } from "../corpus.js";

const kept = jit((a: Array, b: Array) => [np.add(np.mul(sin(a), b), np.mul(a, a)), np.sum(np.exp(np.mul(np.mul(a, b), 0.5)))]);

addCase({
  title: "jit_call (a jitted function of two broadcasting arguments, two outputs)",
  covers: ["jit_call"],
  spec: compatibleShapes(2, 2),
  args: ([a, b]: number[][]) => [floats(a!), floats(b!)],
  f: () => (x, y) => kept(x, y),
  runs: 10,
});

addCase({
  title: "jit_call (a jitted function closing over a traced value)",
  covers: ["jit_call"],
  spec: dims(0, 2),
  args: (s) => [floats(s), floats(s, -1, 1)],
  // A new jitted function per call: the closure sees this call's y.
  f: () => (x, y) => jit((a: Array) => np.add(np.mul(np.cos(a), y), np.tanh(np.mul(a, y))))(x),
  runs: 10,
});

const inner = jit((a: Array) => np.mul(sin(a), np.exp(np.mul(a, 0.3))));
const outer = jit((a: Array, b: Array) => np.add(inner(np.mul(a, b)), np.square(inner(a))));

addCase({
  title: "jit_call (jit inside jit: the outer program holds the inner call)",
  covers: ["jit_call"],
  spec: dims(0, 2),
  args: (s) => [floats(s), floats(s)],
  f: () => (x, y) => outer(x, y),
  runs: 8,
});
