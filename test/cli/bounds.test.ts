// `nabla minimize … --bounds` and `--subject-to`: the box reaches lbfgsb (and trust-ncg
// and the constrained methods), constraints reach slsqp and its kin, and a bad box or
// constraint is a usage error that points at its place.
import { describe, expect, it } from "vitest";
import { main, type Io } from "../../packages/nabla-cli/src/main.js";

const ROSEN = "(1-x)^2 + 100*(y-x^2)^2";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), tty: false };
  const code = await main(args, io);
  return { code, out, err };
}

describe("nabla minimize --bounds", () => {
  it("bounded Rosenbrock: x ≤ 0.5 ends at (0.5, 0.25), by lbfgsb when no method is named", async () => {
    const { code, out } = await run(["minimize", ROSEN, "--from", "x=-1.2,y=1", "--bounds", "x=-inf:0.5", "--json"]);
    expect(code).toBe(0);
    const { method, result: r } = JSON.parse(out) as { method: string; result: { x: number[]; status: string } };
    expect(method).toBe("lbfgsb");
    expect(r.status).toBe("converged");
    expect(r.x[0]).toBe(0.5);
    expect(Math.abs(r.x[1]! - 0.25)).toBeLessThan(1e-6);
  });

  it("an empty side and an unnamed variable are free; constants are read", async () => {
    const { code, out } = await run(["minimize", "(x-3)^2 + (y+1)^2", "--from", "0,0", "--method", "lbfgsb", "--bounds", "x=:pi/2", "--json"]);
    expect(code).toBe(0);
    const r = (JSON.parse(out) as { result: { x: number[] } }).result;
    expect(r.x[0]).toBe(Math.PI / 2);
    expect(Math.abs(r.x[1]! + 1)).toBeLessThan(1e-6);
  });

  it.each([
    [["--bounds", "z=0:1"], /--bounds: "z" is not a variable/],
    [["--bounds", "x=2:1"], /--bounds: x's lower bound 2 is above its upper bound 1/],
    [["--bounds", "x=0"], /--bounds: expected name=lo:hi/],
    [["--bounds", "x=0:1,x=0:2"], /--bounds: "x" is given twice/],
    [["--bounds", "x=0:foo"], /--bounds: /],
    [["--bounds", "x=0:1", "--method", "bfgs"], /--bounds: the box applies to methods lbfgsb, trust-ncg, slsqp, augmented-lagrangian, interior-point, not bfgs/],
  ])("refuses %j", async (extra, message) => {
    const { code, err } = await run(["minimize", ROSEN, "--from", "x=-1.2,y=1", ...extra]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });
});

describe("nabla minimize --subject-to", () => {
  // Rosenbrock on the unit disk: the minimum (0.7864151541684, 0.6176983125233) is on the circle.
  const DISK = [0.7864151541684, 0.6176983125233];

  it.each(["slsqp", "augmented-lagrangian", "interior-point"])("Rosenbrock on the unit disk by %s: the constraint active, its multiplier positive", async (method) => {
    const { code, out } = await run(["minimize", ROSEN, "--from", "x=0,y=0", "--method", method, "--subject-to", "x^2 + y^2 <= 1", "--json"]);
    expect(code).toBe(0);
    const { result: r } = JSON.parse(out) as { result: { x: number[]; status: string; multipliers: number[]; kkt: { feasibility: number } } };
    expect(r.status).toBe("converged");
    r.x.forEach((v, i) => expect(Math.abs(v - DISK[i]!)).toBeLessThan(1e-6));
    expect(r.multipliers).toHaveLength(1);
    expect(r.multipliers[0]).toBeGreaterThan(0);
    expect(r.kkt.feasibility).toBeLessThanOrEqual(1e-8);
  });

  it("slsqp by default; an equality, ≥ and ≤ together; the text shows the multipliers and KKT residuals", async () => {
    // min x² + y² + z² with x + y + z = 3, x ≥ 1.5, z ≤ 0.5: x = 1.5, z = 0.5 would leave y = 1,
    // but the unconstrained split is (1, 1, 1); x ≥ 1.5 binds, then y = z = 0.75 > 0.5, so z ≤ 0.5
    // binds too: (1.5, 1, 0.5), f = 3.5.
    const { code, out } = await run(["minimize", "x^2 + y^2 + z^2", "--from", "0,0,0", "--subject-to", "x + y + z = 3; x >= 1.5; z ≤ 0.5"]);
    expect(code).toBe(0);
    expect(out).toMatch(/method\s+slsqp/);
    expect(out).toMatch(/subject to\s+x \+ y \+ z = 3/);
    expect(out).toMatch(/status\s+converged/);
    expect(out).toMatch(/f\s+3\.5\b/);
    // ∇f = 2x = λ₁(1,1,1) + λ₂(1,0,0) − λ₃(0,0,1) at (1.5, 1, 0.5): λ₁ = 2, λ₂ = 1, λ₃ = 1.
    expect(out).toMatch(/multipliers\s+λ1 = 2(\.0+\d*)?\b.*λ2 = (1|0\.99999\d*)\b.*λ3 = (1|0\.99999\d*)\b/);
    expect(out).toMatch(/KKT residuals\s+stationarity/);
  });

  it("with --bounds: both reach the method", async () => {
    const { code, out } = await run(["minimize", ROSEN, "--from", "x=0,y=0", "--subject-to", "x^2 + y^2 <= 1", "--bounds", "x=:0.5", "--json"]);
    expect(code).toBe(0);
    const { result: r } = JSON.parse(out) as { result: { x: number[]; status: string } };
    expect(r.status).toBe("converged");
    expect(r.x[0]).toBeCloseTo(0.5, 8);
    expect(r.x[1]).toBeCloseTo(0.25, 6);
  });

  it("an infeasible problem is reported, not a success", async () => {
    const { code, out } = await run(["minimize", "x^2", "--from", "0", "--subject-to", "x >= 1; x <= 0", "--json"]);
    expect(code).toBe(0);
    const { result: r } = JSON.parse(out) as { result: { status: string; success: boolean } };
    expect(r.status).toBe("infeasible");
    expect(r.success).toBe(false);
  });

  it.each([
    [["--subject-to", "x^2 + y^2 < 1"], /--subject-to: constraints are not strict: write <= instead of </],
    [["--subject-to", "x + y"], /--subject-to: expected a comparison/],
    [["--subject-to", "x <= y <= 1"], /--subject-to: one comparison per constraint/],
    [["--subject-to", "x <= 1;"], /--subject-to: an empty constraint/],
    [["--subject-to", "x + z <= 1"], /--subject-to: unknown name "z"/],
    [["--subject-to", "x <= 1", "--method", "lbfgs"], /--subject-to: constraints apply to methods slsqp, augmented-lagrangian, interior-point, not lbfgs/],
  ])("refuses %j", async (extra, message) => {
    const { code, err } = await run(["minimize", ROSEN, "--from", "x=-1.2,y=1", ...extra]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it("a mistake in a constraint points at its place in the option's text", async () => {
    const { err } = await run(["minimize", ROSEN, "--from", "0,0", "--subject-to", "x <= 1; y >= 2*"]);
    const lines = err.split("\n");
    const at = lines.findIndex((l) => l.includes("x <= 1; y >= 2*"));
    expect(at).toBeGreaterThanOrEqual(0);
    // The caret sits under the end of "2*", where an operand is missing.
    expect(lines[at + 1]!.indexOf("^") - lines[at]!.indexOf("x <= 1")).toBe("x <= 1; y >= 2*".length);
  });
});
