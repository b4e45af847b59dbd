// Screenshots of the lab's views for the README: builds web/ into a temporary directory,
// serves it, and has headless Chromium (/usr/bin/chromium) take docs/lab-*.png.
// Run: npx tsx scripts/lab-screenshots.ts
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { buildLab, launch, serve, tempDir } from "../test/web/harness.js";

const DOCS = fileURLToPath(new URL("../docs/", import.meta.url));

/** A screenshot of the smallest rectangle holding all of `selectors`. */
async function shot(page: Page, selectors: string[], name: string): Promise<void> {
  const boxes = await Promise.all(selectors.map(async (sel) => (await page.locator(sel).boundingBox())!));
  // Boxes are relative to the viewport; a full-page clip is relative to the page.
  const scrolled = Number(await page.evaluate("window.scrollY"));
  for (const b of boxes) b.y += scrolled;
  const x = Math.min(...boxes.map((b) => b.x)) - 8;
  const y = Math.min(...boxes.map((b) => b.y)) - 8;
  const right = Math.max(...boxes.map((b) => b.x + b.width)) + 8;
  const bottom = Math.max(...boxes.map((b) => b.y + b.height)) + 8;
  await page.screenshot({ path: `${DOCS}${name}`, clip: { x: Math.max(0, x), y: Math.max(0, y), width: right - Math.max(0, x), height: bottom - Math.max(0, y) }, fullPage: true });
  console.log(`docs/${name}`);
}

const ready = (page: Page, id: string, state: string) => page.waitForFunction(`document.getElementById("${id}").dataset.state === "${state}"`, undefined, { timeout: 60_000 });

async function main(): Promise<void> {
  const dir = await tempDir();
  await buildLab(dir);
  const server = await serve(dir);
  const browser = await launch({ width: 1200, height: 1000 });
  try {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
    page.on("pageerror", (e) => errors.push(e.message));
    // The point: gradient field, descent arrow, direction, eigen-axes, Taylor contours, critical points.
    await page.goto(`${server.url}?f=x%5E3%20-%203*x%20%2B%20y%5E2&p=0.4,0.9&a=200&v=-2.5,2.5,-2.5,2.5&ab=1,0,-1,0`);
    await page.waitForFunction(`document.getElementById("out-point").dataset.value !== undefined`);
    await page.click("#find-critical");
    await page.waitForFunction(`document.getElementById("critical-status").textContent.includes("in view")`, undefined, { timeout: 60_000 });
    const map = (await page.locator("#map").boundingBox())!;
    await page.mouse.move(map.x + 0.6 * map.width, map.y + 0.25 * map.height);
    await page.waitForTimeout(200);
    await shot(page, ["#map-section", "#panel"], "lab-point.png");
    // A parse error with its caret.
    await page.fill("#expr", "x^3 - 3*x + * y^2");
    await shot(page, ["#input"], "lab-error.png");
    // The race on Rosenbrock.
    await page.click("text=Rosenbrock");
    await page.click("#run-race");
    await ready(page, "race", "done");
    await shot(page, ["#map-section", "#race"], "lab-race.png");
    // Himmelblau: its critical points, the slice and the trained path between two minima.
    await page.click("text=Himmelblau");
    await page.click("#find-critical");
    await page.waitForFunction(`document.getElementById("critical-status").textContent.includes("in view")`, undefined, { timeout: 60_000 });
    await page.click("#run-path");
    await ready(page, "paths", "done");
    await shot(page, ["#map-section", "#paths"], "lab-paths.png");
    // A phone: 375 px wide.
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 375, height: 900 });
    phone.on("pageerror", (e) => errors.push(e.message));
    await phone.goto(`${server.url}`);
    await phone.waitForFunction(`document.getElementById("out-point").dataset.value !== undefined`);
    await phone.screenshot({ path: `${DOCS}lab-375.png` });
    console.log("docs/lab-375.png");
    if (errors.length) throw new Error(`console errors: ${errors.join("; ")}`);
  } finally {
    await browser.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
