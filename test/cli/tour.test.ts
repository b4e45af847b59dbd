import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tour } from "../../packages/nabla-cli/src/tour.js";

// The worked numbers, computed here by hand (plain arithmetic, no nabla), in the tour's
// formats: fixed-point coordinates, 4 significant digits, a true minus sign.
const minus = (s: string) => s.replace("-", "−");
const fix = (v: number) => minus(String(Number(v.toFixed(6)) + 0));
const sig = (v: number) => minus(String(Number(v.toPrecision(4))));
const vec = (v: number[], f = fix) => `(${v.map(f).join(", ")})`;

describe("tour", () => {
  let dir = "";
  let text = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nabla-tour-"));
    text = await tour(join(dir, "plots"));
  }, 60000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("gives the gradient and directional derivatives of x₁²x₂ + x₂³ at (1, 2)", () => {
    const g = [2 * 1 * 2, 1 + 3 * 2 * 2]; // (2x₁x₂, x₁² + 3x₂²)
    expect(text).toContain(`∇f(x) = ${vec(g, sig)}`);
    expect(text).toContain(`along u = (0.6, 0.8): ${sig(g[0]! * 0.6 + g[1]! * 0.8)}`);
    const norm = Math.hypot(g[0]!, g[1]!);
    expect(text).toContain(`−∇f/‖∇f‖ = ${vec([-g[0]! / norm, -g[1]! / norm], sig)}`);
    expect(text).toContain(`rate ‖∇f‖ = ${sig(norm)}`);
    expect(text).toMatch(/⊥ ∇f: D_u f = 0\n/);
  });

  it("shows GD's first step to (0.9, 0), the 0.9-per-step shrink, and Newton's one-step landing", () => {
    // ½(x₁² + 10x₂²): ∇f = (x₁, 10x₂), H = diag(1, 10).
    const x0 = [1, 1];
    const lr = 0.1;
    const gdStep = (x: number[]) => [x[0]! - lr * x[0]!, x[1]! - lr * 10 * x[1]!];
    const x1 = gdStep(x0);
    const x2 = gdStep(x1);
    expect(vec(x1)).toBe("(0.9, 0)");
    expect(text).toContain(`GD, η = 0.1: x₁ = ${vec(x1)}, x₂ = ${vec(x2)}`);
    expect(text).toContain("condition number κ = 10");
    const shrink = 1 - lr * 1;
    expect(text).toContain(`coordinate 2 by 1 − η·10 = ${sig(1 - lr * 10)} (gone at once) and coordinate 1 by 1 − η·1 = ${sig(shrink)}: it shrinks by ${sig(shrink)} per step`);
    expect(text).toContain(`‖x_k − x*‖ falls by ${sig(shrink)} per step`);
    // Steps until ‖∇f‖∞ = 0.9ᵏ (x₂ is already 0) is at most 1e-5.
    const steps = Math.ceil(Math.log(1e-5) / Math.log(0.9));
    expect(text).toContain(`${steps} steps to ‖∇f‖∞ ≤ 1e-5`);
    const newton = [x0[0]! - x0[0]! / 1, x0[1]! - (10 * x0[1]!) / 10]; // x₀ − H⁻¹∇f(x₀)
    expect(text).toContain(`Newton, x₁ = x₀ − H⁻¹∇f(x₀) = ${vec(newton)} in 1 step`);
  });

  it("shows L-BFGS converging superlinearly on Rosenbrock, and GD linearly", () => {
    const line = text.split("\n").find((l) => l.includes("their ratios e_{k+1}/e_k"));
    const ratios = line!.split(":")[1]!.split("→")[0]!.split(",").map(Number);
    expect(ratios.length).toBe(4);
    // Superlinear: the error ratios themselves fall towards 0.
    for (let k = 1; k < ratios.length; k++) expect(ratios[k]).toBeLessThan(ratios[k - 1]!);
    expect(ratios[ratios.length - 1]).toBeLessThan(0.05);
    expect(text).toMatch(/lbfgs +\d+ steps, +\d+ evaluations of f: converged/);
    const gdRate = Number(/GD's ratio settles at ([\d.]+) per step/.exec(text)![1]);
    expect(gdRate).toBeGreaterThan(0.9);
    expect(gdRate).toBeLessThan(1);
  });

  it("tells the saddle from the minimum of x³ − 3x + y² by the Hessian's eigenvalues", () => {
    // H = [[6x, 0], [0, 2]], eigenvalues in ascending order.
    const eig = (x: number) => [6 * x, 2].sort((a, b) => a - b);
    expect(text).toContain(`at (1, 0): ∇f = (0, 0), Hessian eigenvalues ${vec(eig(1), sig)}, all positive: a minimum`);
    expect(text).toContain(`at (−1, 0): ∇f = (0, 0), Hessian eigenvalues ${vec(eig(-1), sig)}, of both signs: a saddle`);
  });

  it("gives first- and second-order Taylor errors of eˣ·sin y that shrink as h² and h³", () => {
    const [s, c] = [Math.sin(1), Math.cos(1)];
    for (const h of [0.1, 0.05, 0.025]) {
      const exact = Math.exp(h) * Math.sin(1 + h);
      const t1 = s + h * s + h * c; // f + ∇f·(h, h)
      const t2 = t1 + 0.5 * (h * h * s + 2 * h * h * c - h * h * s); // + ½ δᵀHδ, H = [[s, c], [c, −s]]
      expect(text).toMatch(new RegExp(`h = ${h} +${Math.abs(exact - t1).toExponential(1)} +${Math.abs(exact - t2).toExponential(1)}`));
    }
  });

  it("writes its plots and says where", async () => {
    const out = join(dir, "plots");
    for (const name of ["quadratic", "rosenbrock"]) {
      const svg = await readFile(join(out, `${name}.svg`), "utf8");
      expect(svg).toContain('aria-label="contour"');
      const png = await readFile(join(out, `${name}.png`));
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    }
    expect(text).toContain(`plot: ${join(out, "quadratic.svg")}`);
    expect(text).toContain(`Plots written to ${out}/: quadratic.svg, quadratic.png, rosenbrock.svg, rosenbrock.png`);
  });
});
