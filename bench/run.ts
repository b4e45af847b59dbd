// `npm run bench`: every benchmark, each printing ratios against its own baseline.
import os from "node:os";
import { benchEager } from "./eager.js";
import { benchGrad } from "./grad.js";

console.log(`# nabla benchmarks — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}`);
benchEager();
benchGrad();
