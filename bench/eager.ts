// Eager kernels against hand-written Float64Array loops in the same process.
import { np } from "nabla";
import { report } from "./harness.js";

function filled(n: number, f: (i: number) => number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = f(i);
  return a;
}

export function benchEager(): void {
  const n = 1_000_000;
  const a = filled(n, (i) => Math.sin(i));
  const b = filled(n, (i) => Math.cos(i));
  const x = np.array(a);
  const y = np.array(b);

  // The baselines are loops a person would write as functions of their inputs. A loop
  // over closure constants is also shown: V8 specializes it to those very arrays.
  const handAdd = (p: Float64Array, q: Float64Array) => {
    const out = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) out[i] = p[i]! + q[i]!;
    return out;
  };
  const handAddConstants = () => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
    return out;
  };
  const handExp = (p: Float64Array) => {
    const out = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) out[i] = Math.exp(p[i]!);
    return out;
  };

  const m = 256;
  const A = filled(m * m, (i) => Math.sin(i));
  const B = filled(m * m, (i) => Math.cos(i));
  const MA = np.array(A).reshape([m, m]);
  const MB = np.array(B).reshape([m, m]);
  // The plain i-k-j triple loop the goal names.
  const handMatmul = () => {
    const C = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < m; k++) {
        const aik = A[i * m + k]!;
        for (let j = 0; j < m; j++) C[i * m + j]! += aik * B[k * m + j]!;
      }
    }
    return C;
  };

  report("Eager kernels (float64)", [
    { name: "add, 1e6 elements", run: () => np.add(x, y), baseline: "loop function(a, b)", runBaseline: () => handAdd(a, b), goal: "≤ 1.5×" },
    { name: "add, 1e6 elements", run: () => np.add(x, y), baseline: "loop over closure constants", runBaseline: handAddConstants },
    { name: "exp, 1e6 elements", run: () => np.exp(x), baseline: "loop function(a)", runBaseline: () => handExp(a), goal: "≤ 1.5×" },
    { name: "matmul 256×256", run: () => np.matmul(MA, MB), baseline: "i-k-j triple loop", runBaseline: handMatmul, goal: "≤ 1×" },
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) benchEager();
