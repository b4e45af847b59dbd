// The lab bundles the library's source, as the tests and the CLI read it ("nabla" is
// packages/nabla/src, see the root tsconfig.json's paths): no library build is needed.
import { defineConfig } from "vite";

const here = (path: string) => new URL(path, import.meta.url).pathname;

export default defineConfig({
  root: here("."),
  // Relative asset URLs, so web/dist works from any static host and any sub-path.
  base: "./",
  resolve: {
    alias: {
      nabla: here("../packages/nabla/src/index.ts"),
      // The CLI's expression parser imports args.ts, which reads node:util's parseArgs
      // for the command line; the lab never calls it, so a stub stands in for the browser.
      "node:util": here("src/shims/node-util.ts"),
    },
  },
  worker: { format: "es" },
  build: { outDir: here("dist"), emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 2000 },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
