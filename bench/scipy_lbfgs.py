"""scipy's L-BFGS-B on the MGH extended Rosenbrock function, for bench/optim.ts and
(with --box) bench/constrained.ts.

Usage: python3 scipy_lbfgs.py N [REPS] [--memory] [--box]. With --box, x₂ᵢ₋₁ ≤ 0.5 (the
first variable of each MGH pair; 0-based, the even indices), every other side unbounded:
at the solution each pair is at (0.5, 0.25), its first variable on its bound (n/2 active).
Prints one JSON object on stdout: the
result of the last run and the median wall time of REPS runs (default 1) of minimize()
alone; with --memory, also the peak of memory allocated during one more, untimed run,
traced by tracemalloc (numpy reports its buffers to it, L-BFGS-B's workspace included;
the RSS would miss the workspace pages not yet touched). Options are scipy's defaults (m = 10,
ftol = 2.2e-9, gtol = 1e-5), with an analytic numpy gradient returned with f (jac=True),
as nabla's minimize gets f and its gradient from one valueAndGrad call.
"""
import json
import sys
import time
import tracemalloc

import numpy as np
import scipy
from scipy.optimize import Bounds, minimize


def fg(x):
    # Σ 100(x₂ᵢ − x₂ᵢ₋₁²)² + (1 − x₂ᵢ₋₁)² and its gradient, in whole-array numpy ops.
    a = x[0::2]
    r = x[1::2] - a * a
    s = 1.0 - a
    g = np.empty_like(x)
    g[0::2] = -400.0 * r * a - 2.0 * s
    g[1::2] = 200.0 * r
    return 100.0 * np.dot(r, r) + np.dot(s, s), g


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(float(args[0]))
    reps = int(args[1]) if len(args) > 1 else 1
    x0 = np.tile([-1.2, 1.0], n // 2)
    lo = np.full(n, -np.inf)
    hi = np.full(n, np.inf)
    if "--box" in sys.argv:
        hi[0::2] = 0.5
    bounds = Bounds(lo, hi) if "--box" in sys.argv else None
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        res = minimize(fg, x0, jac=True, method="L-BFGS-B", bounds=bounds)
        times.append(time.perf_counter() - t)
    peak = None
    if "--memory" in sys.argv:
        tracemalloc.start()
        before, _ = tracemalloc.get_traced_memory()
        minimize(fg, x0, jac=True, method="L-BFGS-B")
        peak = (tracemalloc.get_traced_memory()[1] - before) / 2**20
        tracemalloc.stop()
    _, g = fg(res.x)
    # The projected gradient: ∇f itself where no bound is set.
    pg = np.clip(res.x - g, lo, hi) - res.x
    print(json.dumps({
        "scipy": scipy.__version__,
        "n": n,
        "ms": sorted(times)[len(times) // 2] * 1e3,
        "nit": int(res.nit),
        "nfev": int(res.nfev),
        "fun": float(res.fun),
        "gInf": float(np.max(np.abs(g))),
        "pgInf": float(np.max(np.abs(pg))),
        "active": int(np.count_nonzero(res.x == hi)),
        "success": bool(res.success),
        "message": str(res.message),
        "peakTracedMB": peak,
    }))


if __name__ == "__main__":
    main()
