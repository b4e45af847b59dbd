// What the lab's browser tests and its screenshot script share: building the lab with
// Vite's API, serving it from a throwaway static server on 127.0.0.1, and a headless
// Chromium (Debian's package, driven by playwright-core; nothing downloads a browser).
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { build } from "vite";

export const CHROMIUM = process.env.NABLA_CHROMIUM ?? "/usr/bin/chromium";
export const hasChromium = (): boolean => existsSync(CHROMIUM);

const WEB = fileURLToPath(new URL("../../web/", import.meta.url));

/** The flags the lab's issue asks for: headless, sandbox-free, no network chatter. */
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".wasm": "application/wasm" };

/**
 * Builds web/ into `outDir` with the repository's Vite config.
 *
 * @example
 * await buildLab("/tmp/lab");
 */
export async function buildLab(outDir: string): Promise<void> {
  await build({ configFile: join(WEB, "vite.config.ts"), logLevel: "warn", build: { outDir, emptyOutDir: true } });
}

/** A running static server. */
export interface Served {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `dir` on 127.0.0.1 at a free port (GET only, no directory escapes), with
 * `headers` on every response.
 *
 * @example
 * const { url, close } = await serve("web/dist");
 */
export async function serve(dir: string, headers: Record<string, string> = {}): Promise<Served> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)).replace(/^([/\\])+/, "");
      const file = join(dir, path === "" || path.endsWith(sep) ? join(path, "index.html") : path);
      if (!file.startsWith(dir) || !(await stat(file).catch(() => undefined))?.isFile()) {
        res.writeHead(404).end("not found");
        return;
      }
      res.writeHead(200, { ...headers, "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(await readFile(file));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  // Closing also drops the browser's keep-alive connections, which would hold it open.
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url: `http://127.0.0.1:${port}/`, close };
}

/** A browser context on a fresh profile, and how to dispose of both. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium on a fresh --user-data-dir (a temporary directory).
 *
 * @example
 * const { context, close } = await launch();
 */
export async function launch(viewport = { width: 1200, height: 900 }): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), "nabla-lab-profile-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A temporary directory for a build.
 *
 * @example
 * const dir = await tempDir();
 */
export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "nabla-lab-build-"));
}
