// Regenerates the figures in docs/ (shown in the README): `npx tsx scripts/docs-plot.ts`.
// They are the tour's own PNGs, so the README shows exactly what `npm start` writes, and
// the SVGs two examples write at full size (NABLA_EXAMPLE_OUT), rendered to PNG.
import { execFileSync } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { svgToPng } from "../packages/nabla-cli/src/plot.js";
import { tour } from "../packages/nabla-cli/src/tour.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const docs = join(root, "docs");
const dir = await mkdtemp(join(tmpdir(), "nabla-docs-"));
try {
  await tour(dir);
  for (const name of ["quadratic.png", "rosenbrock.png"]) {
    await copyFile(join(dir, name), join(docs, name));
    console.log(`wrote docs/${name}`);
  }
  for (const example of ["expected-loss", "two-moons-flow"]) {
    execFileSync(process.execPath, ["--import", "tsx", join(root, "scripts/example.ts"), example], {
      cwd: root,
      env: { ...process.env, NABLA_EXAMPLE_OUT: dir, NABLA_EXAMPLE_SMALL: "" },
      stdio: "inherit",
    });
    await writeFile(join(docs, `${example}.png`), svgToPng(await readFile(join(dir, `${example}.svg`), "utf8")));
    console.log(`wrote docs/${example}.png`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
