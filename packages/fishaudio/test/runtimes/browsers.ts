/**
 * Runs the cells in headless Chromium (CDP) and Firefox (WebDriver BiDi) through puppeteer-core,
 * which downloads nothing: the browsers are Debian's. The page comes from its own origin, so
 * every call is a real cross-origin request with a CORS preflight, as in a web app.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { build } from "esbuild";
import type { CellConfig } from "./matrix.test.js";

export type BrowserName = "chromium" | "firefox";

const EXECUTABLES: Record<BrowserName, string> = {
  chromium: "/usr/bin/chromium",
  firefox: "/usr/bin/firefox-esr",
};

/** The slice of puppeteer-core used here (its types live in the matrix's own node_modules). */
interface Puppeteer {
  launch(options: Record<string, unknown>): Promise<{
    newPage(): Promise<{
      goto(url: string): Promise<unknown>;
      evaluate(script: string): Promise<unknown>;
      on(event: "console", listener: (message: { text(): string }) => void): unknown;
    }>;
    close(): Promise<void>;
  }>;
}

export interface BrowserDirs {
  sdkDir: string;
  cellsDir: string;
}

/**
 * Loads the published ESM build, bundled for browsers, and cells.mjs in a page, runs the cells.
 * @example const results = await runInBrowser("firefox", dirs, config);
 */
export async function runInBrowser(
  browser: BrowserName,
  dirs: BrowserDirs,
  config: CellConfig,
): Promise<Record<string, string>> {
  const bundle = await build({
    entryPoints: [path.join(dirs.sdkDir, "dist/index.js")],
    bundle: true,
    format: "esm",
    platform: "browser",
    external: ["ws"],
    write: false,
    logLevel: "silent",
  });
  const files: Record<string, string> = {
    "/": "<!doctype html><title>fishaudio matrix</title>",
    "/sdk.js": bundle.outputFiles[0]!.text,
    "/cells.mjs": readFileSync(path.join(dirs.cellsDir, "cells.mjs"), "utf8"),
  };
  const origin = createServer((req, res) => {
    const body = files[req.url ?? ""];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "content-type": req.url === "/" ? "text/html" : "text/javascript",
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  const { port } = origin.address() as AddressInfo;
  const require = createRequire(path.join(dirs.cellsDir, "package.json"));
  const puppeteer = require("puppeteer-core") as Puppeteer;
  const instance = await puppeteer.launch({
    executablePath: EXECUTABLES[browser],
    headless: true,
    ...(browser === "firefox"
      ? { browser: "firefox" }
      : { args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] }),
  });
  try {
    const page = await instance.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    // A string, not a function: the test runner's transpiler would inject helpers into it.
    const result = await page.evaluate(`(async () => {
      const sdk = await import("/sdk.js");
      const { runCells } = await import("/cells.mjs");
      return JSON.stringify(await runCells(sdk, ${JSON.stringify(config)}));
    })()`);
    return JSON.parse(result as string) as Record<string, string>;
  } finally {
    await instance.close();
    origin.close();
  }
}
