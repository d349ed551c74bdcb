/**
 * Issue 17 item 13 at full size: a hostile server sends realtime frames built to exhaust the
 * client (40 MB nested a million deep; a nested frame just under the 16 MiB frame bound). The SDK
 * runs in a child process with a 64 MB heap: it must stay alive, end the stream with a
 * `WebSocketError`, and keep its resident memory within a bound. Peaks are printed as test
 * diagnostics; RELIABILITY.md records them.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";

const CHILD = fileURLToPath(new URL("./hostile-sdk-child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const HEAP_MB = 64;
/** The client's peak may not pass where it started by this much. */
const GROWTH_BOUND_MIB = 96;

/** `[[[…nil…]]]`: `bytes` bytes of one-element msgpack arrays. */
function nestedFrame(bytes: number): Buffer {
  const out = Buffer.alloc(bytes, 0x91);
  out[bytes - 1] = 0xc0;
  return out;
}

/** A WebSocket server that answers the client's first message with `frame`. */
async function hostileServer(frame: Buffer): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => wss.once("listening", resolve));
  wss.on("connection", (ws) => {
    ws.on("error", () => {});
    ws.once("message", () => ws.send(frame));
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

interface Outcome {
  ended: string;
  name?: string;
  webSocketError?: boolean;
  message?: string;
  rssBeforeKiB: number;
  peakRssKiB: number;
}

async function runClient(
  url: string,
): Promise<{ code: number | null; outcome?: Outcome; output: string }> {
  const child = spawn(
    process.execPath,
    [
      `--max-old-space-size=${HEAP_MB}`,
      "--conditions=fishaudio-source",
      "--import",
      "tsx",
      CHILD,
      url,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    output += c.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(timer);
  const line = output.split("\n").find((l) => l.startsWith("{"));
  return { code, ...(line ? { outcome: JSON.parse(line) as Outcome } : {}), output };
}

describe("the SDK against a hostile server, small heap", () => {
  const cases = [
    {
      name: "a 40 MB frame nested 40 million deep",
      frame: () => nestedFrame(40_000_000),
      pattern: /payload|limit|1009/i,
    },
    {
      name: "a 15 MiB frame nested 15 million deep",
      frame: () => nestedFrame(15 * 1024 * 1024),
      pattern: /nests deeper than 32/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: the client lives, the caller gets a WebSocketError`, async (t) => {
      const server = await hostileServer(c.frame());
      try {
        const { code, outcome, output } = await runClient(server.url);
        assert.equal(code, 0, `the client process died:\n${output.slice(-2000)}`);
        assert.ok(outcome, output);
        assert.equal(outcome.ended, "error", JSON.stringify(outcome));
        assert.equal(outcome.webSocketError, true, JSON.stringify(outcome));
        assert.match(String(outcome.message), c.pattern);
        const before = outcome.rssBeforeKiB / 1024;
        const peak = outcome.peakRssKiB / 1024;
        t.diagnostic(
          `${c.name}: client peak RSS ${peak.toFixed(0)} MiB (${before.toFixed(0)} MiB before)`,
        );
        assert.ok(
          peak - before < GROWTH_BOUND_MIB,
          `peak ${peak.toFixed(0)} MiB, ${before.toFixed(0)} before`,
        );
      } finally {
        await server.close();
      }
    });
  }
});
