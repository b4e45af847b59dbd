// A check that a solver converged, placed on the path of its derivatives: a primitive, so
// that under `jit` the check runs when the compiled function runs, not when it is traced.
// implicit/ and ode/ put it before a derivative that would be wrong for an unconverged
// solve, so the error comes instead of a silently wrong gradient.
import { bind, definePrimitive, type Array, type Primitive } from "../core/index.js";

interface GuardParams {
  /** The error for a nonzero status code (0 means converged). */
  failure: (status: number) => string;
}

export const statusGuardPrimitive: Primitive<GuardParams> = definePrimitive<GuardParams>({
  name: "status_guard",
  shapeRule: (inputs) => inputs.slice(1).map((a) => ({ shape: a.shape, dtype: a.dtype })),
  impl(inputs, p) {
    const status = inputs[0]!.data;
    for (let i = 0; i < status.length; i++) if (status[i] !== 0) throw new Error(p.failure(status[i]!));
    return inputs.slice(1);
  },
  // The status has no derivative; the guarded values pass their tangents straight through.
  jvp: (primals, tangents, p) => [bind(statusGuardPrimitive, primals, p), tangents.slice(1)],
  vjp: (cts) => [null, ...cts],
  batch: (args, batched, p) => [bind(statusGuardPrimitive, args, p), batched.slice(1)],
});

/** `xs` unchanged once every entry of `status` (an int32 Array, any shape) is 0; else `failure(code)` is thrown. */
export function guardStatus(status: Array, xs: readonly Array[], failure: (status: number) => string): Array[] {
  return bind(statusGuardPrimitive, [status, ...xs], { failure });
}
