// `npm run bench`: every benchmark, each printing ratios against its own baseline.
// `npm run bench -- --write` also records the tables in bench/RESULTS.md.
import { writeFileSync } from "node:fs";
import os from "node:os";
import { benchConstrained } from "./constrained.js";
import { benchDense } from "./dense.js";
import { benchEager } from "./eager.js";
import { benchGrad } from "./grad.js";
import { benchImplicit } from "./implicit.js";
import { benchIntegrate } from "./integrate.js";
import { benchJit } from "./jit.js";
import { benchLandscape } from "./landscape.js";
import { benchOde } from "./ode.js";
import { benchOptim } from "./optim.js";
import { machineCheck, print, printedLines } from "./harness.js";
import { tf } from "./tfjs.js";

const cpu = os.cpus()[0]?.model ?? "unknown cpu";
print("# nabla benchmarks");
print();
print(`${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpu} × ${os.cpus().length} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · TF.js ${tf.version.tfjs}`);
print("Each row times nabla and its baseline interleaved in one process (median of repeated runs); ratio = nabla / baseline.");
const speed = (label: string) => {
  const { chainMs, passMs } = machineCheck();
  print(`Machine check ${label}: 10⁷ dependent multiply-adds ${chainMs.toFixed(1)} ms, 40 passes over 8 MB ${passMs.toFixed(1)} ms (fixed JavaScript loops: the machine's speed drifts, compare these across runs).`);
};
speed("at the start");
benchEager();
benchDense();
benchGrad();
await benchJit();
benchOptim();
benchConstrained();
benchImplicit();
benchOde();
benchIntegrate();
benchLandscape();
print();
speed("at the end");
if (process.argv.includes("--write")) {
  writeFileSync(new URL("./RESULTS.md", import.meta.url), printedLines().join("\n") + "\n");
  console.log("\nwrote bench/RESULTS.md");
}
