/**
 * Issue 17 extra: a SIGKILLed server leaves its temporary directories behind (flite's scratch,
 * its data when it had no dataDir); the next server removes those, and only those whose owning
 * process is gone.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startTestServer } from "../helpers/server.js";
import { spawnServer } from "./server-process.js";

describe("temporary directories of a killed server", () => {
  const previous = process.env.TMPDIR;
  let tmp: string;
  before(() => {
    // The servers here (and their children, which inherit it) use a temp dir of their own.
    tmp = mkdtempSync(join(tmpdir(), "stale-temp-dirs-"));
    process.env.TMPDIR = tmp;
  });
  after(() => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(tmp, { recursive: true, force: true });
  });

  it("are removed on the next start; a running process's and unrecognised ones stay", async () => {
    const killed = await spawnServer({ dataDir: join(tmp, "data"), apiKey: "stale-dirs-key-1" });
    const left = () => readdirSync(tmp).filter((n) => n.startsWith("fishaudio-flite-"));
    for (let i = 0; i < 100 && left().length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await killed.kill();
    const flite = left();
    assert.equal(
      flite.length,
      1,
      `flite scratch of the killed server: ${readdirSync(tmp).join(", ")}`,
    );

    // A temporary data directory of a process that is gone, one of another process that runs,
    // and one whose owner cannot be told (no pid in its name).
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const alive = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    const deadData = join(tmp, `fishaudio-local-${dead}-AbC123`);
    const running = join(tmp, `fishaudio-flite-${alive.pid}-XyZ789`);
    const unknown = join(tmp, "fishaudio-flite-Qw12Er");
    for (const dir of [deadData, running, unknown]) {
      mkdirSync(join(dir, "child-1"), { recursive: true });
      writeFileSync(join(dir, "child-1", "out.wav"), "x");
    }

    const lines: string[] = [];
    try {
      const next = await startTestServer({ logger: (line) => lines.push(line) });
      await next.close();
    } finally {
      alive.kill("SIGKILL");
    }
    assert.ok(
      !existsSync(join(tmp, flite[0]!)),
      "the killed server's flite scratch is still there",
    );
    assert.ok(!existsSync(deadData), "a gone process's data directory is still there");
    assert.ok(existsSync(running), "a running process's directory was removed");
    assert.ok(existsSync(unknown), "a directory without an owner was removed");
    assert.ok(lines.some((l) => l.includes(flite[0]!) && /left by a server that is gone/.test(l)));
  });
});
