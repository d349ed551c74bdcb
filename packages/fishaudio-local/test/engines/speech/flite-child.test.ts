import assert from "node:assert/strict";
import { spawn } from "node:child_process";
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
