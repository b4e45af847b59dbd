let allowed: boolean | undefined;

/**
 * Whether this JavaScript context lets nabla compile code from strings (`new Function`).
 * A Content-Security-Policy without 'unsafe-eval', a browser extension, some edge
 * workers and `node --disallow-code-generation-from-strings` forbid it (an EvalError):
 * there the elementwise and reduction kernels and `jit` run interpreted, with the same
 * results bit for bit, only slower. Probed once, on first need; callers ask when they
 * build a kernel, never per call.
 *
 * @example
 * if (!canGenerateCode()) console.warn("nabla: no code generation here; kernels run interpreted");
 */
export function canGenerateCode(): boolean {
  if (allowed === undefined) {
    try {
      allowed = new Function("return 1")() === 1;
    } catch {
      // An EvalError in practice; anything else also leaves the interpreter, which is always correct.
      allowed = false;
    }
  }
  return allowed;
}
