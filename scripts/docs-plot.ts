// Regenerates the figures in docs/ (shown in the README): `npx tsx scripts/docs-plot.ts`.
// They are the tour's own PNGs, so the README shows exactly what `npm start` writes.
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tour } from "../packages/nabla-cli/src/tour.js";

const docs = new URL("../docs/", import.meta.url).pathname;
const dir = await mkdtemp(join(tmpdir(), "nabla-docs-"));
try {
  await tour(dir);
  for (const name of ["quadratic.png", "rosenbrock.png"]) {
    await copyFile(join(dir, name), join(docs, name));
    console.log(`wrote docs/${name}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
