import { IR, type Equation, type Var } from "../../core/index.js";

/** Removes equations whose results nothing uses (every primitive is pure). */
export function eliminateDeadCode(ir: IR): IR {
  const live = new Set<Var>(ir.outputs);
  const kept: Equation[] = [];
  for (const e of [...ir.equations].reverse()) {
    if (!e.outputs.some((v) => live.has(v))) continue;
    kept.push(e);
    for (const v of e.inputs) live.add(v);
  }
  return new IR(ir.constVars.filter((v) => live.has(v)), ir.inputs, kept.reverse(), ir.outputs);
}

/** A key equal for equations that compute the same thing: primitive, inputs, params. */
function equationKey(e: Equation, rename: (v: Var) => Var): string {
  const params = JSON.stringify(e.params, (_k, v) => (typeof v === "function" || v instanceof IR ? `#${identity(v)}` : v));
  return `${e.prim.name}(${e.inputs.map((v) => rename(v).id).join(",")})${params}`;
}

const ids = new WeakMap<object, number>();
let nextIdentity = 0;
/** A number naming an object for the life of the process: keys by identity, not value. */
export function identity(x: object): number {
  let id = ids.get(x);
  if (id === undefined) ids.set(x, (id = nextIdentity++));
  return id;
}

/** Merges equations that repeat an earlier one (common subexpressions). */
export function eliminateCommonSubexpressions(ir: IR): IR {
  const seen = new Map<string, Equation>();
  const replaced = new Map<Var, Var>();
  const rename = (v: Var) => replaced.get(v) ?? v;
  const kept: Equation[] = [];
  for (const e of ir.equations) {
    const key = equationKey(e, rename);
    const earlier = seen.get(key);
    if (earlier) e.outputs.forEach((v, i) => replaced.set(v, earlier.outputs[i]!));
    else {
      const renamed = { ...e, inputs: e.inputs.map(rename) };
      seen.set(key, renamed);
      kept.push(renamed);
    }
  }
  return new IR(ir.constVars, ir.inputs, kept, ir.outputs.map(rename));
}

/** The simplifications `jit` applies before generating code. */
export function simplify(ir: IR): IR {
  return eliminateDeadCode(eliminateCommonSubexpressions(ir));
}
