// TensorFlow.js, loaded once for the benchmarks that compare against it (bench only).
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";

export { tf };

/** Switches TF.js to `backend` ("cpu" or "wasm"); false if it cannot load here. */
export async function useBackend(backend: "cpu" | "wasm"): Promise<boolean> {
  if (backend === "wasm") {
    const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
    const require = createRequire(import.meta.url);
    setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + path.sep);
  }
  try {
    const ok = await tf.setBackend(backend);
    await tf.ready();
    return ok && tf.getBackend() === backend;
  } catch {
    return false;
  }
}
