import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // "nabla" is the library's source here, as in tsconfig.json's paths: no build needed.
  resolve: { alias: { nabla: fileURLToPath(new URL("./packages/nabla/src/index.ts", import.meta.url)) } },
  test: {
    include: ["test/**/*.test.ts"],
    // Fixes fast-check's seed (NABLA_FUZZ_SEED and NABLA_FUZZ_RUNS change it: npm run fuzz).
    setupFiles: ["test/setup.ts"],
    // Property tests run many cases; keep the default generous but bounded.
    testTimeout: 20000,
  },
});
