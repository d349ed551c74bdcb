/**
 * Package cost: import time of the built `fishaudio` in a fresh Node process (against an empty
 * script in the same run), and the minified + gzipped browser bundle of the client entry.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import zlib from "node:zlib";
import { repoDir } from "../lib/child.js";
import { type DetailTable, type TargetResult, verdict } from "../lib/report.js";
import { fmt, fmtSummary, summarize } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";

const sdkDir = path.join(repoDir, "packages/fishaudio");
const BUNDLE_LIMIT = 25_000;

/** Newest modification time (ms) of any file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath ?? dir, entry.name);
    newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The module specifiers to time. The package's own dist/ when it is up to date with src/;
 * otherwise a private build of the same library entries with the same settings as tsup's
 * (ESM, platform neutral, dependencies external) in a temp directory — the shared dist/ is never
 * rebuilt from here, because other work may be reading it.
 */
async function builtEntries(): Promise<{
  main: string;
  node: string;
  note: string;
  tempDir?: string;
}> {
  const dist = path.join(sdkDir, "dist/index.js");
  const fresh =
    fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= newestMtime(path.join(sdkDir, "src"));
  if (fresh)
    return {
      main: "fishaudio",
      node: "fishaudio/node",
      note: "packages/fishaudio/dist/ (up to date with src/)",
    };
  const outdir = path.join(os.tmpdir(), `fishaudio-bench-build-${process.pid}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: {
      index: path.join(sdkDir, "src/index.ts"),
      "node/index": path.join(sdkDir, "src/node/index.ts"),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "neutral",
    target: "node20",
    // @msgpack/msgpack is bundled in: a temp directory cannot resolve it from node_modules.
    external: ["ws", "fishaudio-local", "node:*"],
    mainFields: ["module", "main"],
    logLevel: "silent",
  });
  return {
    tempDir: outdir,
    main: pathToFileURL(path.join(outdir, "index.js")).href,
    node: pathToFileURL(path.join(outdir, "node/index.js")).href,
    note: "a private build in a temp directory, because dist/ was older than src/ (esbuild with tsup's settings: ESM, platform neutral; @msgpack/msgpack bundled in)",
  };
}

/** Wall time (ms) of one fresh `node` process running `code` as an ES module. */
function spawnMs(code: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: repoDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node -e failed: ${r.stderr.toString().slice(-400)}`);
  return ms;
}

/** Time (ms) that `import(spec)` takes inside a fresh process, measured by the process itself. */
function inProcessImportMs(spec: string): number {
  const code = `const t=performance.now();await import(${JSON.stringify(spec)});process.stdout.write(String(performance.now()-t));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: repoDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (r.status !== 0) throw new Error(`import(${spec}) failed: ${r.stderr.toString().slice(-400)}`);
  return Number(r.stdout.toString());
}

export const packageSuite: Suite = {
  name: "package",
  title: "Package: import time of the built SDK and the browser bundle size",
  async run({ quick, log }) {
    const targets: TargetResult[] = [];
    const tables: DetailTable[] = [];

    // Bundle first: it needs only the sources.
    const esbuild = await import("esbuild");
    const result = await esbuild.build({
      entryPoints: [path.join(sdkDir, "src/index.ts")],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      // `ws` is Node's optional WebSocket, loaded lazily; a browser uses its global WebSocket.
      external: ["ws"],
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]?.contents ?? new Uint8Array();
    const gz = zlib.gzipSync(code, { level: 9 }).length;
    const inputs = Object.entries(result.metafile.outputs).flatMap(([, o]) =>
      Object.entries(o.inputs),
    );
    const msgpackBytes = inputs
      .filter(([file]) => file.includes("@msgpack"))
      .reduce((n, [, i]) => n + i.bytesInOutput, 0);
    targets.push({
      id: "package.bundle",
      what: "Browser bundle of `fishaudio` (esbuild, minified, gzip -9, msgpack included)",
      target: "< 25 kB",
      measured: `${fmt(gz / 1000, 1)} kB gzipped (${fmt(code.length / 1000, 1)} kB minified)`,
      met: verdict(gz < BUNDLE_LIMIT),
      note:
        gz < BUNDLE_LIMIT
          ? undefined
          : "The client entry pulls in more than it needs in a browser; split Node-only helpers out of the main entry or trim error/type helpers until the gzip size drops under 25 kB.",
    });
    tables.push({
      title: "Browser bundle",
      head: ["part", "minified bytes"],
      rows: [
        ["whole bundle", String(code.length)],
        ["of which @msgpack/msgpack", String(msgpackBytes)],
        ["gzip -9 of the bundle", String(gz)],
      ],
      note: "esbuild --bundle --minify --platform=browser --format=esm packages/fishaudio/src/index.ts (ws external: Node only).",
    });

    // Import time of the built package.
    const built = await builtEntries();
    log(`  importing ${built.main}`);
    const reps = quick ? 8 : 20;
    const base: number[] = [];
    const withSdk: number[] = [];
    const withNode: number[] = [];
    const inProc: number[] = [];
    const importMain = `await import(${JSON.stringify(built.main)})`;
    const importNode = `await import(${JSON.stringify(built.node)})`;
    spawnMs(importMain); // warm the file cache
    for (let i = 0; i < reps; i++) {
      base.push(spawnMs(""));
      withSdk.push(spawnMs(importMain));
      withNode.push(spawnMs(importNode));
      inProc.push(inProcessImportMs(built.main));
    }
    if (built.tempDir) fs.rmSync(built.tempDir, { recursive: true, force: true });
    const b = summarize(base);
    const s = summarize(withSdk);
    const n = summarize(withNode);
    const ip = summarize(inProc);
    targets.push({
      id: "package.import",
      what: "Import time of `fishaudio` (dist) in a fresh process, minus an empty process",
      target: "report only",
      measured: `+${fmt(s.median - b.median, 1)} ms (in-process import ${fmt(ip.median, 1)} ms)`,
      met: "reported",
      note: "No target in issue #5: the figure is reported for tracking.",
    });
    tables.push({
      title: "Import time (fresh `node --input-type=module -e …`, interleaved)",
      head: ["script", "wall ms median (p10, p90)", "minus empty, ms"],
      rows: [
        ['"" (empty)', fmtSummary(b, 1), "0"],
        ['await import("fishaudio")', fmtSummary(s, 1), fmt(s.median - b.median, 1)],
        ['await import("fishaudio/node")', fmtSummary(n, 1), fmt(n.median - b.median, 1)],
        ["in-process: performance.now() around import", fmtSummary(ip, 2), "–"],
      ],
      note: `${reps} repetitions each, interleaved; imported from ${built.note}.`,
    });
    return { targets, tables };
  },
};
