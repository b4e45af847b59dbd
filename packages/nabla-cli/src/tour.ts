// `nabla tour`: the seed chapter (gradients, GD vs Newton, quasi-Newton, critical points,
// Taylor models) in numbers, every one computed here through the public API, with plots.
import { access, constants, mkdir, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { directionalDerivative, grad, hessian, linalg, minimize, np, optim, steepestDescentDirection, taylor, type Array, type MinimizeOptions } from "nabla";
import { quote, UsageError } from "./args.js";
import { hypot } from "./numbers.js";
import { writePlot, type PlotRun, type PlotSpec } from "./plot.js";

// Numbers print with a true minus sign, as in the formulas beside them.
const minus = (s: string) => s.replace("-", "−");
/** Significant-digit form for measured quantities: 4 digits, no trailing zeros. */
const sig = (v: number) => minus(String(Number(v.toPrecision(4))));
/** Fixed-point form for coordinates: rounding residue like 1e-16 reads as 0, as it is. */
const fix = (v: number) => minus(String(Number(v.toFixed(6)) + 0));
const vec = (v: ArrayLike<number>, f = fix) => `(${globalThis.Array.from(v, f).join(", ")})`;
const numbers = (a: Array) => globalThis.Array.from(a.toFloat64Array());
const sci = (v: number) => v.toExponential(1);

/** x as its entries: f(x) below reads them as 0-d Arrays. */
const parts = (x: Array) => [x.slice(0), x.slice(1)] as const;

function run(f: (x: Array) => Array, x0: number[], opts: MinimizeOptions) {
  const result = minimize(f, np.array(x0), { ...opts, recordPath: true });
  const path = result.path!;
  const plot: PlotRun = { method: opts.method!, path: path.map((p) => p.x), fvals: path.map((p) => p.f), gradNorms: path.map((p) => p.gradNorm), nits: path.map((p) => p.nit) };
  return { result, path, plot };
}

/** Writes NAME.svg (for a browser) and NAME.png (for anything else); returns the SVG's path. */
async function plot(outDir: string, name: string, spec: PlotSpec): Promise<string> {
  const file = join(outDir, `${name}.svg`);
  try {
    await writePlot(join(outDir, `${name}.png`), spec);
    await writePlot(file, spec);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string") throw new UsageError(`tour: cannot write into ${quote(outDir)}: ${code}`);
    throw e;
  }
  return file;
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * Makes `dir` a directory we can write into, or says why not as a UsageError (a file in
 * the way, no permission). Each missing level is made by a plain mkdir: Node's recursive
 * mkdir loops forever on some paths (/proc/x), and the tour must never hang.
 */
async function prepareDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let p = resolve(dir); ; p = dirname(p)) {
    const found = await stat(p).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT" || e.code === "ENOTDIR") return undefined;
      throw new UsageError(`tour: cannot use ${quote(dir)}: ${errno(e)}`);
    });
    if (found?.isDirectory()) break;
    if (found) throw new UsageError(`tour: ${quote(p)} is not a directory`);
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing.reverse()) {
    await mkdir(p).catch((e) => {
      throw new UsageError(`tour: cannot create ${quote(p)}: ${errno(e)}`);
    });
  }
  await access(dir, constants.W_OK).catch((e) => {
    throw new UsageError(`tour: cannot write into ${quote(dir)}: ${errno(e)}`);
  });
}

function gradients(out: string[]): void {
  // f(x₁, x₂) = x₁²x₂ + x₂³
  const f = (x: Array) => {
    const [a, b] = parts(x);
    return a.square().mul(b).add(b.pow(3));
  };
  const x = np.array([1, 2]);
  const g = numbers(grad(f)(x));
  const u = [0.6, 0.8];
  const du = directionalDerivative(f, x, np.array(u)).item() as number;
  const descent = numbers(steepestDescentDirection(f, x));
  const level = [-descent[1]!, descent[0]!]; // ⊥ ∇f: along the level set
  const dLevel = directionalDerivative(f, x, np.array(level)).item() as number;
  out.push(
    "1. Gradient and directional derivatives",
    "   f(x₁, x₂) = x₁²·x₂ + x₂³ at x = (1, 2)",
    `   ∇f(x) = ${vec(g, sig)}  (reverse mode: grad)`,
    `   D_u f(x) along u = ${vec(u, sig)}: ${sig(du)}  (forward mode: one jvp) = ∇f·u = ${sig(g[0]! * u[0]! + g[1]! * u[1]!)}`,
    `   steepest descent −∇f/‖∇f‖ = ${vec(descent, sig)}: along it f falls at rate ‖∇f‖ = ${sig(hypot(g))}, the fastest of any unit u`,
    `   along the level set, u = ${vec(level, sig)} ⊥ ∇f: D_u f = ${fix(dLevel)}`,
    "",
  );
}

async function quadratic(out: string[], outDir: string): Promise<string> {
  // ½(x₁² + 10x₂²): curvatures 1 and 10, the smallest picture of ill-conditioning.
  const f = (x: Array) => {
    const [a, b] = parts(x);
    return a.square().add(b.square().mul(10)).mul(0.5);
  };
  const x0 = [1, 1];
  const lr = 0.1;
  const [w] = linalg.eigh(hessian(f)(np.array(x0)));
  const [lmin, lmax] = numbers(w) as [number, number];
  const gd = run(f, x0, { method: "gd", lr });
  const newton = run(f, x0, { method: "newton" });
  const rate = optim.convergenceRate(gd.path, { xstar: [0, 0] }).rate;
  const landing = newton.path[1]!.x;
  const file = await plot(outDir, "quadratic", { f, vars: ["x₁", "x₂"], runs: [gd.plot, newton.plot], xmin: [0, 0] });
  out.push(
    "2. Gradient descent vs Newton on f(x) = ½(x₁² + 10x₂²) from x₀ = (1, 1)",
    `   ∇f(x₀) = ${vec(numbers(grad(f)(np.array(x0))), sig)}; Hessian eigenvalues ${sig(lmin)} and ${sig(lmax)}: condition number κ = ${sig(lmax / lmin)}`,
    `   GD, η = ${lr}: x₁ = ${vec(gd.path[1]!.x)}, x₂ = ${vec(gd.path[2]!.x)}, x₃ = ${vec(gd.path[3]!.x)}`,
    `   each step multiplies coordinate 2 by 1 − η·${sig(lmax)} = ${sig(1 - lr * lmax)} (gone at once) and coordinate 1 by 1 − η·${sig(lmin)} = ${sig(1 - lr * lmin)}: it shrinks by ${sig(1 - lr * lmin)} per step`,
    `   measured: ‖x_k − x*‖ falls by ${sig(rate)} per step (optim.convergenceRate); ${gd.result.nit} steps to ‖∇f‖∞ ≤ 1e-5`,
    `   Newton, x₁ = x₀ − H⁻¹∇f(x₀) = ${vec(landing)} in ${newton.result.nit} step: the quadratic model of a quadratic is exact`,
    `   (‖x₁ − x*‖ = ${sci(hypot(landing))}, floating-point rounding; status ${newton.result.status})`,
    `   plot: ${file} (and .png): both paths on the contour map, ‖∇f‖ and f − f* per step`,
    "",
  );
  return file;
}

async function rosenbrock(out: string[], outDir: string): Promise<string> {
  const { f, x0, xmin } = optim.problems.rosenbrock;
  const runs = (["lbfgs", "bfgs", "gd"] as const).map((method) => ({ method, ...run(f, x0, { method }) }));
  const rate = optim.convergenceRate(runs[0]!.path, { xstar: xmin! });
  const gdRate = optim.convergenceRate(runs[2]!.path, { xstar: xmin! }).rate;
  const tail = 5;
  const file = await plot(outDir, "rosenbrock", { f, vars: ["x₁", "x₂"], runs: runs.map((r) => r.plot), xmin: xmin! });
  out.push(
    `3. Rosenbrock 100(x₂ − x₁²)² + (1 − x₁)² from ${vec(x0)}, minimum at ${vec(xmin!)}`,
    ...runs.map((r) => `   ${r.method.padEnd(6)} ${String(r.result.nit).padStart(5)} steps, ${String(r.result.nfev).padStart(5)} evaluations of f: ${r.result.status}, f = ${sci(r.result.fun)}`),
    `   L-BFGS's last errors ‖x_k − x*‖: ${rate.errors.slice(-tail).map(sci).join(", ")}`,
    `   their ratios e_{k+1}/e_k: ${rate.ratios.slice(-(tail - 1)).map(sig).join(", ")} → 0: superlinear`,
    `   (GD's ratio settles at ${sig(gdRate)} per step: linear, and slow)`,
    `   plot: ${file} (and .png)`,
    "",
  );
  return file;
}

function criticalPoints(out: string[]): void {
  // x³ − 3x + y²: ∂f/∂x = 3x² − 3 and ∂f/∂y = 2y vanish at (±1, 0).
  const f = (p: Array) => {
    const [x, y] = parts(p);
    return x.pow(3).sub(x.mul(3)).add(y.square());
  };
  out.push("4. A minimum and a saddle: f(x, y) = x³ − 3x + y², where ∇f = 0 at (1, 0) and (−1, 0)");
  for (const point of [[1, 0], [-1, 0]]) {
    const g = numbers(grad(f)(np.array(point)));
    const [w] = linalg.eigh(hessian(f)(np.array(point)));
    const eig = numbers(w);
    const kind = eig.every((v) => v > 0) ? "all positive: a minimum" : eig.every((v) => v < 0) ? "all negative: a maximum" : "of both signs: a saddle";
    out.push(`   at ${vec(point)}: ∇f = ${vec(g)}, Hessian eigenvalues ${vec(eig, sig)}, ${kind}`);
  }
  out.push("");
}

function taylorModels(out: string[]): void {
  // eˣ·sin y around (0, 1): first-order errors shrink as h², second-order as h³.
  const f = (p: Array) => {
    const [x, y] = parts(p);
    return x.exp().mul(y.sin());
  };
  const x0 = [0, 1];
  const t1 = taylor(f, np.array(x0), { order: 1 });
  const t2 = taylor(f, np.array(x0), { order: 2 });
  const H = numbers(t2.hessian!); // order 2 has one
  out.push(
    "5. Taylor models of f(x, y) = eˣ·sin y around (0, 1)",
    `   f = ${sig(t2.value.item() as number)}, ∇f = ${vec(numbers(t2.grad), sig)}, H = [${vec(H.slice(0, 2), sig)}, ${vec(H.slice(2), sig)}]`,
    "   step δ = (h, h)   |f − T₁|      |f − T₂|",
  );
  let prev: [number, number] | undefined;
  for (const h of [0.1, 0.05, 0.025]) {
    const x = np.array([x0[0]! + h, x0[1]! + h]);
    const exact = f(x).item() as number;
    const e1 = Math.abs(exact - (t1.model(x).item() as number));
    const e2 = Math.abs(exact - (t2.model(x).item() as number));
    const shrink = prev ? `   (÷${sig(prev[0] / e1)}, ÷${sig(prev[1] / e2)})` : "";
    out.push(`   h = ${String(h).padEnd(14)} ${sci(e1).padEnd(13)} ${sci(e2)}${shrink}`);
    prev = [e1, e2];
  }
  out.push("   halving h divides the first-order error by about 4 (O(h²)) and the second-order one by about 8 (O(h³))", "");
}

/**
 * Runs the tour: computes each example live, writes its plots (SVG and PNG) into
 * `outDir` (created if missing) and returns the text to print, which names the files.
 * A directory that cannot be made or written is a UsageError (exit 2), found before any work.
 *
 * @example
 * console.log(await tour("nabla-tour"));
 */
export async function tour(outDir: string): Promise<string> {
  await prepareDirectory(outDir);
  const out = ["nabla tour: the calculus of optimization, computed live", ""];
  gradients(out);
  const files = [await quadratic(out, outDir), await rosenbrock(out, outDir)];
  criticalPoints(out);
  taylorModels(out);
  out.push(`Plots written to ${join(outDir, "/")}: ${files.map((f) => basename(f)).flatMap((f) => [f, f.replace(/\.svg$/, ".png")]).join(", ")}`);
  return `${out.join("\n")}\n`;
}
