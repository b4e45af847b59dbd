import { Array, Tracer, bind, currentInterpreter, np, tree, withInterpreter, type Interpreter, type Primitive, materializeBatch } from "../core/index.js";
import { outputLeaves } from "./args.js";

/** A value under `vmap`: the batched array, with the batch axis in front. */
class BatchTracer extends Tracer {
  constructor(
    readonly owner: BatchInterpreter,
    readonly value: Array,
  ) {
    super();
  }
  get shape() {
    return this.value.shape.slice(1);
  }
  get dtype() {
    return this.value.dtype;
  }
}

/**
 * Batching: each primitive's batching rule sees its inputs with the batch axis at 0 (or
 * unbatched) and runs under the interpreter below. Keeping the batch axis always in
 * front makes every rule a few lines.
 */
class BatchInterpreter implements Interpreter {
  readonly name = "vmap";
  constructor(
    readonly parent: Interpreter,
    readonly size: number,
  ) {}

  owns(x: Array): x is BatchTracer {
    return x instanceof BatchTracer && x.owner === this;
  }

  process(prim: Primitive, args: readonly Array[], params: unknown): Array[] {
    const batched = args.map((a) => this.owns(a));
    if (!batched.includes(true)) return withInterpreter(this.parent, () => bind(prim, args, params));
    const values = args.map((a) => (this.owns(a) ? a.value : a));
    const [outs, outBatched] = withInterpreter(this.parent, () => prim.batch(values, batched, params, this.size));
    return outs.map((o, i) => (outBatched[i] ? new BatchTracer(this, o) : o));
  }
}

export interface VmapOptions {
  /** The mapped axis of each argument (`null`: not mapped), or one axis for all. Default 0. */
  inAxes?: number | null | readonly (number | null)[];
  /** Where the batch axis goes in each output (one for all, or per output leaf). Default 0. */
  outAxes?: number | readonly number[];
}

/**
 * Vectorizes `f` over a batch axis: `vmap(f)(xs)` equals stacking `f(x)` for each
 * slice x of xs, computed with batched primitives instead of a loop.
 *
 * @example
 * const perExample = vmap(grad(loss), { inAxes: [null, 0, 0] })(params, xs, ys);
 */
export function vmap<F extends (...args: any[]) => any>(f: F, opts: VmapOptions = {}): (...args: Parameters<F>) => ReturnType<F> {
  return (...args) => {
    const inAxes = opts.inAxes ?? 0;
    const axes = typeof inAxes === "number" || inAxes === null ? args.map(() => inAxes) : [...inAxes];
    if (axes.length !== args.length) {
      throw new Error(`vmap: inAxes has ${axes.length} entries for ${args.length} argument(s)`);
    }
    // Find the batch size, checking every mapped leaf agrees.
    let size: number | undefined;
    let sizeFrom = "";
    const leaves = args.map((arg, i) => {
      const [ls, def] = tree.flatten(arg);
      const ax = axes[i];
      const arrays = ls.map((l) => (l instanceof Array ? l : typeof l === "number" ? np.asArray(l) : l));
      if (ax !== null && ax !== undefined) {
        for (const a of arrays) {
          if (!(a instanceof Array)) continue;
          if (a.ndim === 0) throw new Error(`vmap: argument ${i} has a 0-d leaf, which cannot be mapped over axis ${ax}`);
          const n = a.shape[ax < 0 ? ax + a.ndim : ax];
          if (n === undefined) throw new Error(`vmap: axis ${ax} is out of bounds for argument ${i} of shape (${a.shape})`);
          if (size !== undefined && n !== size) {
            throw new Error(`vmap: mapped axes have different sizes: ${size} (${sizeFrom}) and ${n} (argument ${i})`);
          }
          size = n;
          sizeFrom = `argument ${i}`;
        }
      }
      return { arrays, def, ax };
    });
    if (size === undefined) throw new Error("vmap: no argument is mapped (every inAxes entry is null or there are no arrays)");
    const interp = new BatchInterpreter(currentInterpreter(), size);
    const traced = leaves.map(({ arrays, def, ax }) =>
      tree.unflatten(
        def,
        arrays.map((a) => (a instanceof Array && ax !== null && ax !== undefined ? new BatchTracer(interp, np.moveaxis(a, ax, 0)) : a)),
      ),
    );
    const out = withInterpreter(interp, () => f(...traced));
    const [outs, outDef] = outputLeaves(out);
    const outAxes = opts.outAxes ?? 0;
    const results = outs.map((o, k) => {
      const value = interp.owns(o) ? o.value : materializeBatch(o, false, size!);
      const ax = typeof outAxes === "number" ? outAxes : outAxes[k];
      if (ax === undefined) throw new Error(`vmap: outAxes has no entry for output ${k}`);
      return ax === 0 ? value : np.moveaxis(value, 0, ax);
    });
    return tree.unflatten(outDef, results) as ReturnType<F>;
  };
}
