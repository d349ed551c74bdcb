import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const SETUP = fileURLToPath(new URL("../setup.sh", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "fishaudio-setup-"));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/**
 * Runs setup.sh with a PATH of only the tools it needs plus the given stand-ins, so the result
 * does not depend on what this machine has installed or who runs it.
 */
function runSetup(standIns: Record<string, string>) {
  const bin = join(root, `bin-${++counter}`);
  spawnSync("mkdir", ["-p", bin]);
  for (const tool of ["sed", "awk", "grep", "dirname"]) {
    const real = spawnSync("/bin/sh", ["-c", `command -v ${tool}`], { encoding: "utf8" });
    symlinkSync(real.stdout.trim(), join(bin, tool));
  }
  for (const [name, body] of Object.entries(standIns)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return spawnSync("/bin/bash", [SETUP], { env: { PATH: bin }, encoding: "utf8" });
}

describe("scripts/setup.sh", () => {
  it("does nothing when every package is installed", () => {
    const run = runSetup({ "dpkg-query": "echo 'install ok installed'", "apt-get": "exit 99" });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, "");
  });

  it("stops at once with the exact apt-get line when it may not install", () => {
    const run = runSetup({ "dpkg-query": "exit 1", id: "echo 1000", "apt-get": "exit 99" });
    assert.equal(run.status, 1);
    const lines = run.stderr.trim().split("\n");
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0] ?? "", /sudo apt-get install -y --no-install-recommends pocketsphinx /);
    assert.match(lines[0] ?? "", /pocketsphinx-en-us/);
  });

  it("names the packages on a machine without apt-get", () => {
    const run = runSetup({ "dpkg-query": "exit 1", id: "echo 1000" });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^setup: the tests need these Debian\/Ubuntu packages .*pocketsphinx/);
  });

  it("installs the missing packages with apt-get as root", () => {
    const log = join(root, "apt.log");
    const run = runSetup({
      "dpkg-query": "exit 1",
      id: "echo 0",
      "apt-get": `echo "$@" >> ${log}`,
    });
    assert.equal(run.status, 0, run.stderr);
    const calls = spawnSync("cat", [log], { encoding: "utf8" }).stdout.trim().split("\n");
    assert.equal(calls[0], "update -qq");
    assert.match(calls[1] ?? "", /^install .*pocketsphinx pocketsphinx-en-us libpocketsphinx3/);
  });
});
