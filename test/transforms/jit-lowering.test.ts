// How a primitive lowers under jit is data kept with the primitive (`lower` in
// core/primitive.ts), so the code generator never recognizes a primitive by name: these
// tests read src/transforms/jit/ and check that it names none, reads no params through
// casts, and keeps its functions short; then that the lowerings do what they say.
import { readdirSync, readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { grad, np, valueAndGrad, type Array as NdArray } from "nabla";
import { extendedRosenbrock } from "../../bench/grad.js";
import { broadcastMap, sliceMap, transposeMap, unitAxesMap, viewStrides } from "../../packages/nabla/src/array/index.js";
import { primitives } from "../../packages/nabla/src/core/index.js";
import { arr, expectSameBits, F64, generated } from "./jit-cases.js";

const dir = new URL("../../packages/nabla/src/transforms/jit/", import.meta.url);
const sources = readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => ({ file: f, text: readFileSync(new URL(f, dir), "utf8") }));

/** Every string literal in `text` (quoted or a template without substitutions), with its line. */
function stringLiterals(file: string, text: string): { value: string; line: number; named: boolean }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { value: string; line: number; named: boolean }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      // `name: "…"` in a primitive's own definition (jit_call is defined in jit/) names it, as it must.
      const named = ts.isPropertyAssignment(node.parent) && node.parent.name.getText() === "name";
      found.push({ value: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, named });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("jit lowers primitives from their records, never by name", () => {
  it("reads the jit folder's files", () => {
    expect(sources.map((s) => s.file)).toEqual(expect.arrayContaining(["codegen.ts", "plan.ts", "emit.ts"]));
  });

  it("no registered primitive's name appears as a string in src/transforms/jit/", () => {
    const names = new Set(primitives().keys());
    expect(names.size).toBeGreaterThan(100);
    const hits = sources.flatMap(({ file, text }) =>
      stringLiterals(file, text).filter((s) => names.has(s.value) && !s.named).map((s) => `${file}:${s.line} "${s.value}"`),
    );
    expect(hits).toEqual([]);
  });

  it("the check sees a name where one is written", () => {
    const planted = stringLiterals("x.ts", `const a = "pad"; if (e.prim.name === 'reduce_sum') f(\`scan\`); const p = { name: "jit_call" };`);
    expect(planted.map((s) => [s.value, s.named])).toEqual([["pad", false], ["reduce_sum", false], ["scan", false], ["jit_call", true]]);
  });

  it("no params are read through casts", () => {
    const casts = sources.flatMap(({ file, text }) => (/params\s+as\b/.test(text) ? [file] : []));
    expect(casts).toEqual([]);
  });

  it("no function in src/transforms/jit/ is longer than 80 lines", () => {
    const long: string[] = [];
    for (const { file, text } of sources) {
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && "body" in node && node.body) {
          const lines = (n: number) => source.getLineAndCharacterOfPosition(n).line;
          const length = lines(node.getEnd()) - lines(node.getStart()) + 1;
          if (length > 80) long.push(`${file}:${lines(node.getStart()) + 1} (${length} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
  });
});

describe("lowerings", () => {
  it("every elementwise kernel primitive lowers to an expression, every view to a map", () => {
    const kinds = new Map([...primitives()].map(([name, p]) => [name, p.lower?.kind]));
    for (const name of ["add", "sin", "select", "convert", "erf", "logaddexp", "nextafter", "pow"]) expect(kinds.get(name), name).toBe("elementwise");
    for (const name of ["slice", "transpose", "broadcast_to", "reshape", "stop_gradient"]) expect(kinds.get(name), name).toBe("view");
    for (const name of ["reduce_sum", "reduce_max"]) expect(kinds.get(name), name).toBe("reduce");
    for (const name of ["while", "scan", "cond"]) expect(kinds.get(name), name).toBe("runner");
    expect(kinds.get("pad")).toBe("window");
    expect(kinds.get("matmul")).toBeUndefined(); // runs its kernel
  });

  it("a view's axis map gives the eager kernels' strides", () => {
    // x of shape (4, 5): strides (5, 1).
    expect(viewStrides(sliceMap([1, 4], [2, -1]), [4, 5], [2, 3])).toEqual({ offset: 9, strides: [10, -1] });
    expect(viewStrides(transposeMap([1, 0]), [4, 5], [5, 4])).toEqual({ offset: 0, strides: [1, 5] });
    expect(viewStrides(broadcastMap([4, 1], [3, 4, 6]), [4, 1], [3, 4, 6])).toEqual({ offset: 0, strides: [0, 1, 0] });
    expect(viewStrides(unitAxesMap([4, 1, 5], [1, 4, 5])!, [4, 1, 5], [1, 4, 5])).toEqual({ offset: 0, strides: [0, 5, 1] });
    expect(unitAxesMap([4, 5], [5, 4])).toBeUndefined();
    expect(unitAxesMap([4, 5], [20])).toBeUndefined();
  });

  it("elementwise chains, views and a trailing reduction fuse: no kernel call in the generated code", () => {
    const f = (x: NdArray, y: NdArray) => [x.slice(null, [1, 6]).T.mul(y.reshape([1, 40]).sin()).exp().sum({ axis: 1 })];
    const args = [arr([40, 6], F64, 1), arr([40], F64, 2)];
    const { source, run } = generated(f, args);
    expect(source).not.toContain("call(");
    expect(source).toContain("for (let");
    expectSameBits(run(), f(args[0]!, args[1]!));
  });

  it("pads fuse too: the gradient of strided slices is one branch-free loop", () => {
    // Extended Rosenbrock: its gradient places two strided windows (pads of step 2).
    const rosenbrock = (x: NdArray) => {
      const [odd, even] = [x.slice([0, null, 2]), x.slice([1, null, 2])];
      return even.sub(odd.square()).square().mul(100).add(np.sub(1, odd).square()).sum();
    };
    const f = (x: NdArray) => [grad(rosenbrock)(x)];
    const args = [arr([1000], F64, 1)];
    const { source, run } = generated(f, args);
    expect(source).not.toContain("call(");
    expect(source).not.toContain("if (");
    expectSameBits(run(), f(args[0]!));
  });

  it("a primitive without a lowering, and control flow, run on buffers through calls", () => {
    const f = (a: NdArray, b: NdArray) => [np.matmul(a, b).add(1)];
    const args = [arr([3, 4], F64, 1), arr([4, 2], F64, 2)];
    const { source, run } = generated(f, args);
    expect(source.match(/call\(/g)).toHaveLength(1);
    expectSameBits(run(), f(args[0]!, args[1]!));
  });

  it("a reshape of a buffer shares the buffer (no loop), and a reduction over leading axes calls its kernel", () => {
    const { source: reshaped } = generated((x: NdArray) => [x.reshape([6, 100])], [arr([600], F64, 1)]);
    expect(reshaped).not.toContain("for (let");
    const { source: leading, run } = generated((x: NdArray) => [x.sum({ axis: 0 })], [arr([30, 20], F64, 1)]);
    expect(leading).toContain("call(");
    expectSameBits(run(), [arr([30, 20], F64, 1).sum({ axis: 0 })]);
  });
});

/** The `for` loops in generated source, as their trip counts. */
const loopCounts = (source: string) => [...source.matchAll(/for \(let \w+ = 0; \w+ < (\d+);/g)].map((m) => Number(m[1]));

describe("horizontal fusion: sibling loops over the same index space are one loop", () => {
  it("value and gradient of the extended Rosenbrock function read x in one pass", () => {
    const f = (x: NdArray) => valueAndGrad(extendedRosenbrock)(x);
    const args = [arr([1000], F64, 1)];
    const { source, run } = generated(f, args);
    expect(loopCounts(source)).toEqual([500]); // one loop over the pairs (x[2i], x[2i+1])
    expect(source.match(/a0\[/g)).toHaveLength(2); // each element of x is loaded once
    expectSameBits(run(), f(args[0]!));
  });

  it("two reductions and a map of the same input share a loop; each sum keeps its order", () => {
    const f = (x: NdArray) => [x.sum(), x.square().sum(), x.exp()];
    const args = [arr([300], F64, 3)];
    const { source, run } = generated(f, args);
    expect(loopCounts(source)).toEqual([300]);
    expectSameBits(run(), f(args[0]!));
  });

  it("a loop that reads another's result waits for it: a reduction's, or a buffer read out of order", () => {
    const centred = (x: NdArray) => [x.sub(x.sum())];
    const reversed = (x: NdArray) => {
      const y = x.exp();
      return [y, y.slice([null, null, -1]).mul(2)];
    };
    for (const f of [centred, reversed]) {
      const args = [arr([200], F64, 4)];
      const { source, run } = generated(f, args);
      expect(loopCounts(source)).toEqual([200, 200]);
      expectSameBits(run(), f(args[0]!));
    }
  });

  it("loops over different index spaces stay apart", () => {
    const f = (x: NdArray, y: NdArray) => [x.exp(), y.sin()];
    const args = [arr([40], F64, 5), arr([50], F64, 6)];
    const { source, run } = generated(f, args);
    expect(loopCounts(source)).toEqual([40, 50]);
    expectSameBits(run(), f(args[0]!, args[1]!));
  });
});
