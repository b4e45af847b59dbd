/**
 * A small timing harness. Each case is timed against its baseline in the same process,
 * interleaved run by run (so drift and garbage collection fall on both alike), after a
 * warm-up long enough for V8 to optimize both; the medians and their ratio are reported.
 */
export function timePair(fn: () => unknown, baseline: () => unknown, opts: { reps?: number; warmupMs?: number } = {}): [number, number] {
  const reps = opts.reps ?? 31;
  const warmEnd = performance.now() + (opts.warmupMs ?? 400);
  for (let i = 0; i < 5 || performance.now() < warmEnd; i++) {
    fn();
    baseline();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < reps; i++) {
    let t = performance.now();
    fn();
    a.push(performance.now() - t);
    t = performance.now();
    baseline();
    b.push(performance.now() - t);
  }
  return [median(a), median(b)];
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}

// The machine check's loops live at module level: made as closures anew on every call,
// the memory pass ran 2× slower from the second call on (V8 compiled it again, less
// well), which read as the machine drifting.
function chainLoop(): number {
  let s = 0.5;
  for (let i = 0; i < 1e7; i++) s = s * 0.999999 + 1e-7;
  return s;
}
function passLoop(data: Float64Array): number {
  let s = 0;
  for (let r = 0; r < 40; r++) for (let i = 0; i < data.length; i += 2) s += data[i]! + data[i + 1]!;
  return s;
}
let passData: Float64Array | undefined;

/**
 * The machine's speed at the moment, for comparing runs: this project's 2-core machine
 * drifts between minutes. Times two fixed loops (no library code): a chain of 10⁷
 * dependent float64 multiply-adds (latency-bound) and 40 passes over an 8 MB array
 * (memory-bound). Medians of 5.
 */
export function machineCheck(): { chainMs: number; passMs: number } {
  const data = (passData ??= new Float64Array(1 << 20).fill(1));
  const time = (fn: () => number) => {
    const t: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      fn();
      t.push(performance.now() - start);
    }
    return median(t);
  };
  return { chainMs: time(chainLoop), passMs: time(() => passLoop(data)) };
}

const printed: string[] = [];

/** Prints a line and keeps it for bench/RESULTS.md. */
export function print(line = ""): void {
  console.log(line);
  printed.push(line);
}

/** Everything printed so far. */
export function printedLines(): string[] {
  return printed;
}

export interface Case {
  name: string;
  run: () => unknown;
  baseline: string;
  runBaseline: () => unknown;
  goal?: string;
  reps?: number;
}

/** Times each case against its baseline and prints a markdown table with the ratios. */
export function report(title: string, cases: Case[]): void {
  print(`\n## ${title}\n`);
  const line = (cells: string[]) => print(`| ${cells.join(" | ")} |`);
  line(["case", "nabla ms", "baseline", "baseline ms", "ratio", "goal"]);
  line(["---", "---:", "---", "---:", "---:", "---"]);
  for (const c of cases) {
    const [ms, base] = timePair(c.run, c.runBaseline, { reps: c.reps });
    line([c.name, ms.toFixed(3), c.baseline, base.toFixed(3), (ms / base).toFixed(2) + "×", c.goal ?? ""]);
  }
}

/**
 * mulberry32, uniform in [0, 1): a small seeded generator, so that every process (and the
 * hand-written baselines) builds the same problems.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
