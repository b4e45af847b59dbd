// The numpy-like namespace: thin wrappers that apply primitives through `bind`.
export * from "./convert.js";
export * from "./creation.js";
export * from "./fromdata.js";
export * from "./elementwise.js";
export * from "./reductions.js";
export * from "./shape.js";
export * from "./indexing.js";
export * from "./linalg.js";
export * from "./sort.js";
