// The architecture's two import rules, checked on the source: imports point down the
// layers (a folder may use its own layer and those below), and a folder is entered only
// through its index.ts, its public face.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../../packages/nabla/src/", import.meta.url));

/** Each top-level folder's layer: higher layers may import lower ones, never the reverse. */
const LAYER: Record<string, number> = {
  array: 0,
  core: 1,
  transforms: 2,
  linalg: 3,
  nn: 3,
  stats: 3,
  random: 3,
  special: 3,
  calculus: 3,
  optim: 4,
  landscape: 4,
  implicit: 4,
  ode: 4,
  integrate: 4,
  bayes: 4,
  flows: 4,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

interface Import {
  from: string;
  to: string;
}

function imports(): Import[] {
  return files(src).flatMap((file) => {
    const text = readFileSync(file, "utf8");
    return [...text.matchAll(/(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/g)].map((m) => ({
      from: relative(src, file),
      to: relative(src, resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts"))),
    }));
  });
}

/** Lines of code as cloc counts them: neither blank nor a comment. */
function linesOfCode(file: string): number {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => !/^\s*($|\/\/|\/\*|\*)/.test(line)).length;
}

const top = (path: string) => (path.includes("/") ? path.split("/")[0]! : "");

describe("layers and faces", () => {
  const all = imports();
  const across = all.filter((i) => top(i.from) !== "" && top(i.to) !== "" && top(i.from) !== top(i.to));

  it("finds the imports it checks", () => expect(across.length).toBeGreaterThan(50));

  it("every top-level folder has a layer", () => {
    const folders = [...new Set(all.map((i) => top(i.from)).filter(Boolean))];
    expect(folders.filter((f) => LAYER[f] === undefined)).toEqual([]);
  });

  it("imports point down: no folder imports one of a higher layer", () => {
    const upward = across.filter((i) => LAYER[top(i.to)]! > LAYER[top(i.from)]!).map((i) => `${i.from} → ${i.to}`);
    expect(upward).toEqual([]);
  });

  it("another folder is entered only through its index.ts", () => {
    const private_ = across.filter((i) => i.to !== `${top(i.to)}/index.ts`).map((i) => `${i.from} → ${i.to}`);
    expect(private_).toEqual([]);
  });
});

// The parts a maintainer reads to understand the system stay small enough to read: the
// core (bind, interpreters, IR, primitives) with the transformations, and the compiler.
describe("reading sets", () => {
  const sum = (paths: string[]) => paths.reduce((n, p) => n + linesOfCode(p), 0);
  const all = files(src).map((p) => relative(src, p));
  const under = (dir: string) => all.filter((p) => p.startsWith(dir));

  it("core/ and transforms/, less np/ and jit/, stay under 3,000 lines of code", () => {
    const reading = [...under("core/"), ...under("transforms/")].filter((p) => !p.includes("/np/") && !p.startsWith("transforms/jit/"));
    expect(reading.length).toBeGreaterThan(20);
    expect(sum(reading.map((p) => join(src, p)))).toBeLessThan(3000);
  });

  it("transforms/jit/ stays under 741 lines of code", () => {
    const jit = under("transforms/jit/");
    expect(jit.length).toBeGreaterThan(3);
    expect(sum(jit.map((p) => join(src, p)))).toBeLessThan(741);
  });
});
