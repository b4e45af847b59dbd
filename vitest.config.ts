import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // "nabla" is the library's source here, as in tsconfig.json's paths: no build needed.
  resolve: { alias: { nabla: fileURLToPath(new URL("./packages/nabla/src/index.ts", import.meta.url)) } },
  test: {
    include: ["test/**/*.test.ts"],
    // Fixes fast-check's seed (NABLA_FUZZ_SEED and NABLA_FUZZ_RUNS change it: npm run fuzz).
    setupFiles: ["test/setup.ts"],
    // Test files share each worker's loaded modules instead of importing the library anew
    // per file: that import was most of the suite's time. A test that flips a global switch
    // (setWasmEnabled, setThreads, a stubbed global) restores it before it ends.
    isolate: false,
    // Property tests run many cases; keep the default generous but bounded.
    testTimeout: 20000,
  },
});
