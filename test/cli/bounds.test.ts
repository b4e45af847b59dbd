// `nabla minimize … --bounds`: the box reaches lbfgsb, and a bad box is a usage error
// that points at its place.
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
    [["--bounds", "x=0:1", "--method", "bfgs"], /--bounds: the box applies to method lbfgsb, not bfgs/],
  ])("refuses %j", async (extra, message) => {
    const { code, err } = await run(["minimize", ROSEN, "--from", "x=-1.2,y=1", ...extra]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });
});
