// The check of integrate.monteCarlo's standard error at the size first asked for, too slow
// for the test suite (5·10⁷ uniform draws): ∫₀¹ x² dx with N = 10⁶ over 50 keys, the
// reported standard error against the closed form σ/√N and against the spread of the 50
// estimates (which is itself known only to about ±10%). Run: npx tsx scripts/montecarlo-stderr.ts [seed]
import { integrate, random, type Array } from "nabla";

const seed = Number(process.argv[2] ?? 0);
const N = 1e6, KEYS = 50;
const start = performance.now();
const estimates: number[] = [];
const stderrs: number[] = [];
for (let k = 0; k < KEYS; k++) {
  const key = random.split(random.key(seed), KEYS).slice(k);
  const r = integrate.monteCarlo((x: Array) => x.square(), (kk: Array, m: number) => random.uniform(kk, [m]), N, { key });
  estimates.push(r.estimate.item());
  stderrs.push(r.stderr.item());
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const m = mean(estimates);
const spread = Math.sqrt(estimates.reduce((a, e) => a + (e - m) ** 2, 0) / (KEYS - 1));
const stderr = mean(stderrs);
const exact = Math.sqrt(1 / 5 - 1 / 9) / Math.sqrt(N);
console.log(`seed ${seed}: ${KEYS} keys × N = ${N} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
console.log(`mean estimate ${m} (exact 1/3; error ${(m - 1 / 3).toExponential(2)})`);
console.log(`mean stderr ${stderr.toExponential(4)} · closed form ${exact.toExponential(4)} · spread of the estimates ${spread.toExponential(4)}`);
console.log(`spread / stderr = ${(spread / stderr).toFixed(3)} (±${(1 / Math.sqrt(2 * (KEYS - 1))).toFixed(2)} by chance, 1σ)`);
