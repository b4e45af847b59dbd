import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Property tests run many cases; keep the default generous but bounded.
    testTimeout: 20000,
  },
});
