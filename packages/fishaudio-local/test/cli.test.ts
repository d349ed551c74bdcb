import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "fishaudio-local-cli-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

interface Run {
  lines: string[];
  /** Resolves once a line matching `pattern` is printed. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  stop(): Promise<number | null>;
  exit: Promise<number | null>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const proc = spawn(
    process.execPath,
    ["--conditions=fishaudio-source", "--import", "tsx", CLI, ...args],
    {
      env: { ...process.env, FISH_API_KEY: "", FISH_LOCAL_API_KEY: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpExecArray) => void }> = [];
  const onText = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) {
      if (line === "") continue;
      lines.push(line);
      for (const w of [...waiters]) {
        const m = w.pattern.exec(line);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  };
  proc.stdout.on("data", onText);
  proc.stderr.on("data", onText);
  const exit = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return {
    lines,
    exit,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        for (const line of lines) {
          const m = pattern.exec(line);
          if (m) return resolve(m);
        }
        waiters.push({ pattern, resolve });
        exit.then((code) =>
          reject(new Error(`exited (${code}) before ${pattern}: ${lines.join("\n")}`)),
        );
      }),
    stop: () => {
      proc.kill("SIGTERM");
      return exit;
    },
  };
}

describe("fishaudio-local serve", () => {
  it("creates and prints a key on the first start, serves with it, and exits cleanly on SIGTERM", async () => {
    const server = run(["serve", "--port", "0", "--data-dir", dataDir]);
    const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const [, key] = await server.waitFor(/API key \(created now.*\): ([0-9a-f]{32})/);
    const res = await fetch(`${url}/wallet/self/api-credit`, {
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { credit: string }).credit, "1000.00");
    await server.waitFor(/GET \/wallet\/self\/api-credit 200/);
    assert.equal(await server.stop(), 0);
    // The key is printed at creation (alone, and in the console link's fragment), never in the
    // request log.
    const withKey = server.lines.filter((l) => l.includes(key!));
    assert.equal(withKey.length, 2);
    assert.ok(withKey.includes(`console: ${url}/#key=${key}`), withKey.join("\n"));

    const again = run(["serve", "--port", "0", "--data-dir", dataDir, "--quiet"]);
    const [, url2] = await again.waitFor(/listening on (\S+)/);
    await again.waitFor(/API key for this run only/);
    const ok = await fetch(`${url2}/model`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
    assert.equal(await again.stop(), 0);
  });

  it("takes the key from FISH_LOCAL_API_KEY without printing it", async () => {
    const server = run(["serve", "--port", "0", "--data-dir", dataDir, "--quiet"], {
      FISH_LOCAL_API_KEY: "env-key-42",
    });
    const [, url] = await server.waitFor(/listening on (\S+)/);
    await server.waitFor(/API key: the one given/);
    // A key given by the user is not echoed, not even in the console link.
    await server.waitFor(/console: http:\/\/\S+\/ \(sign in with your key\)/);
    const res = await fetch(`${url}/model`, { headers: { authorization: "Bearer env-key-42" } });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    assert.equal(await server.stop(), 0);
    assert.ok(!server.lines.some((l) => l.includes("env-key-42")));
  });

  it("refuses bad usage with exit code 2 and says what is wrong", async () => {
    for (const [args, message] of [
      [["serve", "--port", "http"], /--port must be an integer/],
      [["serve", "--max-concurrent", "0"], /--max-concurrent must be a whole number/],
      [["serve", "--colour"], /Unknown option/],
      [["start"], /expected the command 'serve'/],
    ] as const) {
      const cli = run([...args]);
      assert.equal(await cli.exit, 2, args.join(" "));
      assert.ok(
        cli.lines.some((l) => message.test(l)),
        cli.lines.join("\n"),
      );
    }
  });
});
