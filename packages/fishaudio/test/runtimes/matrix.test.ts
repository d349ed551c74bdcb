// The runtime matrix (`npm run test:matrix`): one local server, and the same cells (cells.mjs)
// run by Node 20 (ESM and CJS, with and without `ws`), Node 22, Node 24, Bun, Deno and headless
// Chromium and Firefox, each from a fresh "user project" holding only the built package.
// The runtimes come from npm (this folder's own package.json and lock, installed on first use),
// the browsers from Debian (scripts/system-packages.txt). The README's runtime table is
// checked against what ran: UPDATE_RUNTIME_TABLE=1 rewrites it from the results.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type LocalServer, startServer } from "fishaudio-local";
import { type BrowserName, runInBrowser } from "./browsers.js";
import { renderTable } from "./table.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const sdkDir = path.resolve(here, "../..");
const repoDir = path.resolve(sdkDir, "../..");
const readme = path.join(sdkDir, "README.md");
const bin = (...parts: string[]) => path.join(here, "node_modules", ...parts);

const BROWSER_REFUSAL = {
  pattern: "browsers cannot send",
  note: "no: refused at once (browsers cannot send `Authorization`); relay through your server",
};
const NO_WS_REFUSAL = {
  pattern: "npm install ws",
  note: "no: refused at once, saying to install `ws`",
};

interface Cell {
  /** The row of the README table. */
  name: string;
  run: (config: CellConfig) => Promise<Record<string, string>>;
  realtime: "works" | "refused";
  /** What the refusal must say, and what the README table says instead of "yes". */
  refusal?: { pattern: string; note: string };
}

export interface CellConfig {
  baseUrl: string;
  apiKey: string;
  realtime: "works" | "refused";
  refusal?: string;
}

let server: LocalServer;
let work: string;
let withWs: string;
let withoutWs: string;
const results = new Map<string, Record<string, string>>();

before(async () => {
  assert.ok(
    existsSync(path.join(sdkDir, "dist/index.js")),
    "packages/fishaudio/dist is missing: run `npm run build` first",
  );
  if (!existsSync(bin(".package-lock.json"))) {
    // The runtimes (~400 MB) are only for this suite, so they are not in the workspace.
    // Not `npm ci`: it refuses this lock because deno's binaries for other platforms are not on
    // the registry we can reach, so the lock cannot list them. `install --no-save` installs
    // exactly the locked versions and leaves the lock untouched.
    execFileSync("npm", ["install", "--no-save", "--prefix", here, "--no-audit", "--no-fund"], {
      stdio: "inherit",
    });
  }
  server = await startServer({ host: "127.0.0.1", port: 0 });
  work = mkdtempSync(path.join(tmpdir(), "fishaudio-matrix-"));
  withWs = userProject("with-ws", true);
  withoutWs = userProject("without-ws", false);
});

after(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A folder as a user's project has it after `npm install fishaudio` (and maybe `ws`). */
function userProject(name: string, ws: boolean): string {
  const dir = path.join(work, name);
  const modules = path.join(dir, "node_modules");
  mkdirSync(modules, { recursive: true });
  const copyPackage = (from: string, to: string, parts: string[]) => {
    for (const part of parts)
      cpSync(path.join(from, part), path.join(modules, to, part), { recursive: true });
  };
  copyPackage(sdkDir, "fishaudio", ["package.json", "dist"]);
  copyPackage(packageDir("@msgpack/msgpack"), "@msgpack/msgpack", ["."]);
  if (ws) copyPackage(packageDir("ws"), "ws", ["."]);
  const dependencies: Record<string, string> = { fishaudio: "*" };
  if (ws) dependencies.ws = "*";
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true, dependencies }));
  for (const file of ["cells.mjs", "run-cells.mjs", "run-cells.cjs"]) {
    cpSync(path.join(here, file), path.join(dir, file));
  }
  return dir;
}

function packageDir(name: string): string {
  for (const base of [path.join(sdkDir, "node_modules"), path.join(repoDir, "node_modules")]) {
    const dir = path.join(base, name);
    if (existsSync(path.join(dir, "package.json"))) return dir;
  }
  throw new Error(`${name} is not installed in the workspace`);
}

/** Runs one runtime on the cells and parses the JSON line it prints. */
function runProcess(command: string, args: string[], cwd: string, config: CellConfig) {
  return new Promise<Record<string, string>>((resolve, reject) => {
    const child = spawn(command, [...args, JSON.stringify(config)], {
      cwd,
      // A user's environment, minus anything that would change what the SDK does.
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = stdout.trim().split("\n").at(-1) ?? "";
      try {
        resolve(JSON.parse(line) as Record<string, string>);
      } catch {
        reject(new Error(`${command} exited with ${code} without results:\n${stdout}\n${stderr}`));
      }
    });
  });
}

const process_ = (
  name: string,
  command: () => string,
  args: string[],
  project: () => string,
  realtime: "works" | "refused",
  refusal?: Cell["refusal"],
): Cell => ({
  name,
  realtime,
  ...(refusal ? { refusal } : {}),
  run: (config) => runProcess(command(), args, project(), config),
});

const node20 = () => bin("node20", "bin", "node");
const cells: Cell[] = [
  process_("Node 20 (ESM, with ws)", node20, ["run-cells.mjs"], () => withWs, "works"),
  process_("Node 20 (CJS, with ws)", node20, ["run-cells.cjs"], () => withWs, "works"),
  process_(
    "Node 20 (without ws)",
    node20,
    ["run-cells.mjs"],
    () => withoutWs,
    "refused",
    NO_WS_REFUSAL,
  ),
  process_(
    "Node 22",
    () => bin("node22", "bin", "node"),
    ["run-cells.mjs"],
    () => withoutWs,
    "works",
  ),
  process_(
    "Node 24",
    () => bin("node24", "bin", "node"),
    ["run-cells.mjs"],
    () => withoutWs,
    "works",
  ),
  process_(
    "Bun",
    () => bin("bun", "bin", "bun.exe"),
    ["run-cells.mjs"],
    () => withoutWs,
    "works",
  ),
  {
    name: "Deno (without --allow-env)",
    realtime: "works",
    run: (config) =>
      runProcess(
        bin(".bin", "deno"),
        [
          "run",
          "--no-prompt",
          "--node-modules-dir=manual",
          `--allow-net=${new URL(config.baseUrl).host}`,
          `--allow-read=${withoutWs}`,
          "run-cells.mjs",
        ],
        withoutWs,
        config,
      ),
  },
  ...(["chromium", "firefox"] as BrowserName[]).map(
    (browser): Cell => ({
      name: browser === "chromium" ? "Chromium (headless)" : "Firefox (headless)",
      realtime: "refused",
      refusal: BROWSER_REFUSAL,
      run: (config) => runInBrowser(browser, { sdkDir, cellsDir: here }, config),
    }),
  ),
];

describe("runtime matrix against fishaudio-local", () => {
  for (const cell of cells) {
    it(cell.name, async () => {
      const config: CellConfig = {
        baseUrl: server.url,
        apiKey: server.apiKey,
        realtime: cell.realtime,
        ...(cell.refusal ? { refusal: cell.refusal.pattern } : {}),
      };
      const outcome = await cell.run(config);
      results.set(cell.name, outcome);
      const failed = Object.entries(outcome).filter(([, value]) => value.startsWith("FAILED"));
      assert.deepEqual(failed, [], `${cell.name}: ${JSON.stringify(outcome, null, 2)}`);
    });
  }

  it("the README's runtime table is the one this run produced", () => {
    assert.equal(results.size, cells.length, "a runtime did not report (see above)");
    const table = renderTable(
      cells.map((c) => ({
        name: c.name,
        results: results.get(c.name)!,
        ...(c.refusal ? { refusal: c.refusal.note } : {}),
      })),
    );
    const text = readFileSync(readme, "utf8");
    const start = "<!-- runtime-matrix:start -->";
    const end = "<!-- runtime-matrix:end -->";
    const [before, rest = ""] = text.split(start);
    assert.ok(rest.includes(end), `README.md has no ${start} … ${end} block`);
    const after_ = rest.slice(rest.indexOf(end));
    const current = rest.slice(0, rest.indexOf(end)).trim();
    if (process.env.UPDATE_RUNTIME_TABLE === "1") {
      writeFileSync(readme, `${before}${start}\n${table}\n${after_}`);
      return;
    }
    assert.equal(current, table, "run with UPDATE_RUNTIME_TABLE=1 to rewrite the README table");
  });
});
