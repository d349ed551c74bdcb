import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { FliteEngine } from "../../../src/engines/speech/flite-engine.js";
import { VOICES } from "../../../src/engines/speech/voices.js";

const fixture = fileURLToPath(new URL("./flite-parent-exit.fixture.ts", import.meta.url));

/** Runs the fixture; resolves with everything written to stderr by it and its flite child. */
function runFixture(): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=fishaudio-source", "--import", "tsx", fixture],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8");
    // The flite child inherits this pipe: it closes only once the child has gone too.
    child.stderr.on("data", (text: string) => {
      stderr += text;
    });
    let code: number | null = null;
    child.on("exit", (c) => {
      code = c;
    });
    child.stderr.on("close", () => resolve({ code, stderr }));
    child.on("error", reject);
  });
}

describe("flite child", () => {
  it("exits quietly when its parent exits mid-synthesis (no EPIPE stack trace)", async () => {
    for (let i = 0; i < 3; i++) {
      const { code, stderr } = await runFixture();
      assert.equal(code, 0, stderr);
      assert.doesNotMatch(stderr, /EPIPE|ERR_IPC_CHANNEL_CLOSED|Error/, stderr);
    }
  });
});

describe("flite child without the tier-up sentence (one-shot commands)", () => {
  it("gives the same audio as a tiered-up child", async () => {
    const voice = VOICES.find((v) => v.engine === "flite")!;
    const speak = async (tierUp: boolean) => {
      const flite = new FliteEngine({ processes: 1, tierUp });
      try {
        const parts: Int16Array[] = [];
        for await (const chunk of flite.speak("Hello from Fish Audio.", voice, {})) {
          parts.push(chunk.samples);
        }
        return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
      } finally {
        await flite.pool.close();
      }
    };
    const cold = await speak(false);
    const warm = await speak(true);
    assert.ok(cold.length > 32_000, "over a second of 16 kHz speech");
    assert.ok(cold.equals(warm), "the same PCM from both children");
  });
});

describe("flite child priority", () => {
  it("runs below the server's priority, so the event loop is served first under load", async () => {
    const flite = new FliteEngine({ processes: 1, tierUp: false });
    try {
      await flite.pool.warm();
      // The child is the only flite-child process whose parent is this test.
      const children = readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d))
        .flatMap((d) => {
          try {
            const stat = readFileSync(`/proc/${d}/stat`, "utf8");
            const cmdline = readFileSync(`/proc/${d}/cmdline`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            return ppid === process.pid && cmdline.includes("flite-child") ? [Number(d)] : [];
          } catch {
            return [];
          }
        });
      assert.equal(children.length, 1, "one flite child");
      assert.ok(getPriority(children[0]) > getPriority(), "a higher nice value than ours");
    } finally {
      await flite.close();
    }
  });
});
