// The lab (web/) end to end in headless Chromium: the numbers the page shows are checked
// against the library's own grad, hessian, eigh, taylor and minimize, computed here on the
// same parsed expression. Without /usr/bin/chromium the file skips loudly, unless
// NABLA_REQUIRE_BROWSER=1 (CI), where a missing browser fails.
import { rm } from "node:fs/promises";
import { grad, hessian, landscape, linalg, minimize, np, taylor } from "nabla";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../packages/nabla-cli/src/args.js";
import { parseExpr } from "../../packages/nabla-cli/src/expr.js";
import { RACE_METHODS } from "../../web/src/race-types.js";
import { buildLab, CHROMIUM, hasChromium, launch, serve, tempDir, type Browser, type Served } from "./harness.js";

const required = process.env.NABLA_REQUIRE_BROWSER === "1";
const available = hasChromium();
if (!available) {
  console.warn(`\n*** test/web/lab.test.ts: no Chromium at ${CHROMIUM}: the lab's browser tests are SKIPPED${required ? " (and NABLA_REQUIRE_BROWSER=1 makes that a failure)" : ""} ***\n`);
}

/** Relative agreement: |a − e| ≤ tol·max(1, |e|). */
function close(actual: number, expected: number, tol: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: page ${actual}, library ${expected}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

const fOf = (source: string) => parseExpr(source, { vars: ["x", "y"] }).f;
const numbers = (a: { toFloat64Array(): Float64Array }) => Array.from(a.toFloat64Array());

async function valueOf(page: Page, id: string): Promise<unknown> {
  const text = await page.locator(`#${id}`).getAttribute("data-value");
  return JSON.parse(text ?? "null");
}

async function pairOf(page: Page, id: string): Promise<[number, number]> {
  const v = await valueOf(page, id);
  expect(Array.isArray(v) && v.length === 2, `#${id} holds a pair, got ${JSON.stringify(v)}`).toBe(true);
  const [a, b] = v as unknown[];
  return [Number(a), Number(b)];
}

/** Waits until the panel shows the point (x, y) (after a click or a key). */
async function settled(page: Page): Promise<[number, number]> {
  await page.waitForFunction(`document.getElementById("out-point")?.dataset.value !== undefined`);
  return pairOf(page, "out-point");
}

/** The WCAG contrast ratio of two sRGB colours given as [r, g, b] in 0..255. */
function contrast(a: number[], b: number[]): number {
  const lum = (c: number[]) => {
    const [r, g, bl] = c.map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/**
 * Run in the page (as text: this file is typechecked without the DOM's types): every
 * visible element with its own text, its colour and the first opaque background behind it.
 */
const TEXT_COLOURS = `(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) ?? []).map(Number);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== "");
    if (own && el.offsetParent !== null) out.push({ text: el.textContent.trim().slice(0, 30), fg: rgb(getComputedStyle(el).color).slice(0, 3), bg: background(el) });
  }
  return out;
})()`;

describe.skipIf(!available && !required)("the lab in Chromium", () => {
  let dir = "";
  let server: Served | undefined;
  let browser: Browser | undefined;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!available) throw new Error(`NABLA_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    dir = await tempDir();
    const t = performance.now();
    await buildLab(dir);
    console.log(`lab built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    server = await serve(dir);
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(errors, "console errors and uncaught exceptions").toEqual([]);
    errors.length = 0;
  });

  async function open(query = "", viewport?: { width: number; height: number }): Promise<Page> {
    const page = await browser!.context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
    await page.goto(`${server!.url}${query}`);
    await settled(page);
    return page;
  }

  it("shows f, ∇f, the Hessian's eigenvalues and the Taylor errors the library computes", async () => {
    const page = await open();
    const source = "x^3 - 3*x*y + y^2 + sin(x)";
    await page.fill("#expr", source);
    await page.waitForFunction(`document.getElementById("out-f").dataset.value !== "10.5"`);
    const box = (await page.locator("#map").boundingBox())!;
    // The default view is [−1.5, 1.5]² with the point at (1, 1): this pixel is near (−0.6, 0.3).
    await page.mouse.click(box.x + 0.3 * box.width, box.y + 0.4 * box.height);
    await page.waitForFunction(`document.getElementById("out-point").dataset.value !== "[1,1]"`);
    const x0 = await pairOf(page, "out-point");
    expect(Math.hypot(x0[0] + 0.6, x0[1] - 0.3), `the clicked point (${x0}) is near (−0.6, 0.3)`).toBeLessThan(0.03);
    const f = fOf(source);
    const p = np.array(x0);
    const g = numbers(grad(f)(p));
    const H = hessian(f)(p);
    const w = numbers(linalg.eigh(H)[0]);
    const [pg, pw] = [await pairOf(page, "out-grad"), await pairOf(page, "out-eig")];
    pg.forEach((v, i) => close(v, g[i]!, 1e-12, `∇f[${i}] at (${x0})`));
    pw.forEach((v, i) => close(v, w[i]!, 1e-12, `λ${i + 1} at (${x0})`));
    close(Number(await valueOf(page, "out-f")), Number(f(p).item()), 1e-12, "f");
    close(Number(await valueOf(page, "out-gradnorm")), Math.hypot(g[0]!, g[1]!), 1e-12, "‖∇f‖");
    expect(await page.locator("#out-kind").textContent()).toContain("not critical");

    // The pointer over the map: f and both Taylor models there, against taylor().model.
    await page.mouse.move(box.x + 0.45 * box.width, box.y + 0.3 * box.height);
    await page.waitForFunction(`!document.getElementById("out-probe").textContent.includes("handle")`);
    const q = await pairOf(page, "out-probe");
    const fq = Number(f(np.array(q)).item());
    for (const order of [1, 2] as const) {
      const model = Number(taylor(f, p, { order }).model(np.array(q)).item());
      close(Number(await valueOf(page, `out-t${order}err`)), Math.abs(fq - model), 1e-10, `|f − T${order}| at (${q})`);
    }

    // The directional derivative along the direction set from the keyboard-usable box.
    await page.fill("#angle", "30");
    await page.press("#angle", "Enter");
    await page.waitForFunction(`document.getElementById("out-dderiv").textContent.includes("0.866")`);
    const u = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)];
    close(Number(await valueOf(page, "out-dderiv")), g[0]! * u[0]! + g[1]! * u[1]!, 1e-12, "∇f·u");

    // The state is in the URL: a fresh load of it shows the same point of the same f.
    await page.waitForFunction(`location.search.includes("a=30")`);
    const shared = new URL(page.url()).search;
    expect(new URLSearchParams(shared).get("f")).toBe(source);
    const again = await open(shared);
    expect(await pairOf(again, "out-point")).toEqual(x0);
    expect(await again.inputValue("#expr")).toBe(source);
    await again.close();

    // Critical points in view, found in the worker and marked by kind.
    await page.fill("#expr", "x^3 - 3*x + y^2");
    await page.click("#find-critical");
    await page.waitForFunction(`document.getElementById("critical-status").textContent.includes("in view")`, undefined, { timeout: 20_000 });
    const items = await page.locator("#critical-list li").allTextContents();
    expect(items.some((t) => t.startsWith("minimum at (1, 0)")), items.join("; ")).toBe(true);
    expect(items.some((t) => t.startsWith("saddle at (−1, 0)")), items.join("; ")).toBe(true);
    await page.close();
  });

  it("shows parse errors inline with a caret and keeps working after any bad input", async () => {
    const page = await open();
    const junk = ["x^^2", "sin(", "x + z", "2 x", "exp(x", ")", "", "Math.sqrt(2)", "x ** 2", "@#!"];
    for (const text of junk) {
      await page.fill("#expr", text);
      let index = -1;
      try {
        parseExpr(text, { vars: ["x", "y"] });
      } catch (e) {
        if (e instanceof UsageError) index = e.where?.index ?? -1;
      }
      expect(index, `the CLI's parser refuses ${JSON.stringify(text)}`).toBeGreaterThanOrEqual(0);
      await expect.poll(() => page.locator("#expr-error").isVisible()).toBe(true);
      const caret = (await page.locator("#expr-caret").textContent())!.split("\n");
      expect(caret[0], "the source above the caret").toBe(text);
      expect(caret[1], `the caret for ${JSON.stringify(text)}`).toBe(`${" ".repeat(index)}^`);
      expect(await page.getAttribute("#expr", "aria-invalid")).toBe("true");
    }
    // Valid but nasty: constant, NaN on half the plane, overflow, a kink at the point, 1/0.
    for (const text of ["1", "log(x)", "exp(1000*x)", "sqrt(x^2 + y^2)", "x/0", "abs(x) + abs(y)", "-log(-x)"]) {
      await page.fill("#expr", text);
      await expect.poll(() => page.locator("#expr-error").isVisible(), { message: `${text} parses` }).toBe(false);
      await page.fill("#px", "0");
      await page.press("#px", "Enter");
      await page.fill("#py", "0");
      await page.press("#py", "Enter");
      await page.waitForFunction(`document.getElementById("out-point").dataset.value === "[0,0]"`);
      await page.click("#run-path");
      await page.waitForFunction(`["done", "error"].includes(document.getElementById("paths").dataset.state)`, undefined, { timeout: 20_000 });
    }
    await page.fill("#expr", "x^2 + y^2");
    await expect.poll(() => page.locator("#expr-error").isVisible()).toBe(false);
    await page.fill("#px", "0.25");
    await page.press("#px", "Enter");
    await page.waitForFunction(`document.getElementById("out-point").textContent.startsWith("(0.25")`);
    const [x, y] = await pairOf(page, "out-point");
    const g = await pairOf(page, "out-grad");
    close(g[0], 2 * x, 1e-14, "∂f/∂x of x² + y²");
    close(g[1], 2 * y, 1e-14, "∂f/∂y of x² + y²");
    expect(await valueOf(page, "out-eig")).toEqual([2, 2]);
    await page.close();
  });

  it("runs the race in a worker: cancel, then every optimizer's final point as minimize's, with the frame time", async () => {
    const page = await open("?f=0.5*(x%5E2%2B10*y%5E2)&p=1,1&v=-1.5,1.5,-1.5,1.5&lr=0.1&alr=0.05&it=2000");
    // A run too long to finish: cancel stops it and leaves the page working.
    await page.fill("#max-iter", "100000000");
    await page.press("#max-iter", "Enter");
    await page.fill("#lr", "0.0000001");
    await page.press("#lr", "Enter");
    await page.click("#run-race");
    await page.waitForFunction(`document.getElementById("progress").value > 0`);
    await page.click("#cancel");
    await page.waitForFunction(`document.getElementById("race").dataset.state === "cancelled"`);
    expect(await page.locator("#progress-row").isHidden()).toBe(true);

    await page.fill("#max-iter", "2000");
    await page.press("#max-iter", "Enter");
    await page.fill("#lr", "0.1");
    await page.press("#lr", "Enter");
    await page.click("#run-race");
    await page.waitForFunction(`document.getElementById("race").dataset.state === "done"`, undefined, { timeout: 30_000 });
    const rows: { method: string; x: number[] }[] = [];
    for (const tr of await page.locator("#race-table tbody tr").all()) {
      rows.push({ method: (await tr.getAttribute("data-method")) ?? "", x: JSON.parse((await tr.getAttribute("data-x")) ?? "[]") as number[] });
    }
    expect(rows.map((r) => r.method)).toEqual(["gd", "momentum", "adam", "newton", "lbfgs"]);
    const f = fOf("0.5*(x^2+10*y^2)");
    for (const { method: name, x } of rows) {
      const method = RACE_METHODS.find((m) => m === name)!;
      const opts = method === "newton" || method === "lbfgs" ? {} : { lr: method === "adam" ? 0.05 : 0.1, maxIter: 2000 };
      const r = minimize(f, np.array([1, 1]), { method, ...opts });
      numbers(r.x).forEach((v, i) => close(x[i]!, v, 1e-12, `${method}'s x[${i}] against minimize`));
    }
    const at = (m: string) => rows.find((r) => r.method === m)!.x;
    expect(Math.hypot(...at("newton")), "Newton reaches (0, 0)").toBeLessThan(1e-12);
    expect(Math.hypot(...at("lbfgs")), "L-BFGS ends near (0, 0)").toBeLessThan(1e-5);

    const stats = (await page.evaluate("window.labStats")) as { drawMs: number[]; intervals: number[] };
    const sorted = (a: number[]) => [...a].sort((p, q) => p - q);
    const pick = (a: number[], q: number) => sorted(a)[Math.min(a.length - 1, Math.floor(q * a.length))]!;
    console.log(
      `race animation on the 200×200 contour grid: ${stats.drawMs.length} frames; draw ms median ${pick(stats.drawMs, 0.5).toFixed(2)}, p95 ${pick(stats.drawMs, 0.95).toFixed(2)}, max ${Math.max(...stats.drawMs).toFixed(2)}; ` +
        `frame interval ms median ${pick(stats.intervals, 0.5).toFixed(1)}, p95 ${pick(stats.intervals, 0.95).toFixed(1)}, max ${Math.max(...stats.intervals).toFixed(1)}`,
    );
    expect(stats.drawMs.length).toBeGreaterThan(10);
    expect(pick(stats.drawMs, 0.95), "95th percentile of the draw time, ms").toBeLessThan(50);
    // The interval between frames also counts whatever else the machine does (other test
    // files run in parallel): its median is checked, its tail only reported.
    expect(pick(stats.intervals, 0.5), "median frame interval, ms").toBeLessThan(50);
    await page.close();
  });

  it("slices f between Himmelblau's two minima and trains a Bézier path with a lower barrier, as the library does", async () => {
    const page = await open();
    await page.click("text=Himmelblau");
    await page.click("#run-path");
    await page.waitForFunction(`document.getElementById("paths").dataset.state === "done"`, undefined, { timeout: 30_000 });
    const lineBarrier = Number(await valueOf(page, "out-line-barrier"));
    const curveBarrier = Number(await valueOf(page, "out-curve-barrier"));
    const f = fOf("(x^2 + y - 11)^2 + (x + y^2 - 7)^2");
    const [a, b] = [np.array([3, 2]), np.array([-2.805118, 3.131312])];
    const line = numbers(landscape.interpolate(f, a, b, { points: 101 }).values);
    const ends = Math.max(line[0]!, line[100]!);
    close(lineBarrier, Math.max(...line) - ends, 1e-12, "the barrier along the segment");
    const r = landscape.connectModes(f, a, b, { curve: "bezier", steps: 300, points: 101 });
    close(curveBarrier, r.barrier, 1e-8, "the barrier along the trained path");
    expect(curveBarrier, "the trained path is lower than the segment").toBeLessThan(lineBarrier);
    await page.close();
  });

  it("works at 375 px, from the keyboard, with AA text contrast", async () => {
    const page = await open("", { width: 375, height: 800 });
    expect(await page.evaluate("document.documentElement.scrollWidth"), "no horizontal scroll at 375 px").toBeLessThanOrEqual(375);
    const box = (await page.locator("#map").boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    expect(box.x + box.width).toBeLessThanOrEqual(375);

    // The map takes focus from the keyboard; arrows move the point by 1/40 of the view.
    const before = await pairOf(page, "out-point");
    await page.focus("#map");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("]");
    await page.waitForFunction(`JSON.parse(document.getElementById("out-point").dataset.value)[0] !== ${before[0]}`);
    const after = await pairOf(page, "out-point");
    close(after[0], before[0] + 3 / 40, 1e-12, "x after ArrowRight");
    expect(await page.inputValue("#angle")).toBe("50");
    // Every control is reachable with Tab (native controls, no tabindex traps).
    const tabbable = await page.evaluate(`[...document.querySelectorAll("button, input, canvas[tabindex]")].every((el) => el.tabIndex >= 0)`);
    expect(tabbable).toBe(true);

    const low = (await page.evaluate(TEXT_COLOURS)) as { text: string; fg: number[]; bg: number[] }[];
    expect(low.length).toBeGreaterThan(20);
    const failing = low.filter((t) => contrast(t.fg, t.bg) < 4.5).map((t) => `${t.text}: ${contrast(t.fg, t.bg).toFixed(2)}`);
    expect(failing, "text below WCAG AA's 4.5:1").toEqual([]);
    await page.close();
  });
});
