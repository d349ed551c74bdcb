/**
 * The SDK under load against the real local server (in a child process): hundreds of mixed calls
 * at once, a third of them abandoned early (break, cancel, abort). Every call must end the way it
 * should, no rejection may go unhandled, and once the dust settles the test process must hold no
 * more sockets or timers than it started with.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { APIUserAbortError, FishAudio, NotFoundError } from "fishaudio";

const OPERATIONS = 400;
const CONCURRENCY = 10;

function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo())
    counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

function wav(seconds: number): Uint8Array {
  const rate = 16_000;
  const samples = Math.round(seconds * rate);
  const out = Buffer.alloc(44 + samples * 2);
  out.write("RIFF", 0, "ascii");
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write("WAVEfmt ", 8, "ascii");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write("data", 36, "ascii");
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++)
    out.writeInt16LE(Math.round(Math.sin(i / 10) * 6000), 44 + i * 2);
  return new Uint8Array(out);
}

describe("SDK under load against the local server", () => {
  let url: string;
  let apiKey: string;
  let stopServer: () => Promise<void>;

  before(async () => {
    const script = fileURLToPath(new URL("./server-child.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      ["--conditions=fishaudio-source", "--import", "tsx", script],
      {
        cwd: fileURLToPath(new URL("../../../../", import.meta.url)),
        stdio: ["pipe", "inherit", "inherit", "ipc"],
      },
    );
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    ({ url, apiKey } = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
      child.once("message", (message) => resolve(message as { url: string; apiKey: string }));
      child.once("exit", (code) =>
        reject(new Error(`server child exited (${code}) before it was ready`)),
      );
    }));
    child.disconnect();
    stopServer = async () => {
      child.kill("SIGTERM");
      await exited;
    };
  });

  after(async () => {
    await stopServer?.();
  });

  it(`${OPERATIONS} mixed calls, a third abandoned early: right outcomes, nothing leaked`, async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const baseline = resourceCounts();
    const client = new FishAudio({ apiKey, baseUrl: url, maxRetries: 0, timeout: 60_000 });
    const audio = wav(0.5);
    const outcomes = new Map<string, number>();
    const failures: string[] = [];
    let next = 0;

    const operations: [string, () => Promise<void>][] = [
      [
        "convert",
        async () => {
          const bytes = await (
            await client.tts.convert({ text: "Load test.", format: "wav" })
          ).collect();
          assert.ok(bytes.byteLength > 44);
        },
      ],
      [
        "convert-break",
        async () => {
          for await (const _chunk of await client.tts.convert({
            text: "Stop reading me early, please.",
            format: "pcm",
          }))
            break;
        },
      ],
      [
        "convert-cancel",
        async () => {
          const reader = (await client.tts.convert({ text: "Cancel me.", format: "mp3" }))
            .toReadableStream()
            .getReader();
          await reader.read();
          await reader.cancel();
        },
      ],
      [
        "convert-abort",
        async () => {
          const controller = new AbortController();
          const stream = await client.tts.convert(
            { text: "Abort me in the middle of the body.", format: "pcm" },
            { signal: controller.signal },
          );
          try {
            for await (const _chunk of stream) controller.abort();
          } catch (error) {
            if (!(error instanceof APIUserAbortError)) throw error;
          }
        },
      ],
      [
        "live",
        async () => {
          const bytes = await client.tts
            .streamWebsocket(["Realtime ", "load test."], { format: "pcm" })
            .collect();
          assert.ok(bytes.byteLength > 0);
        },
      ],
      [
        "live-break",
        async () => {
          for await (const _chunk of client.tts.streamWebsocket(
            ["Break out ", "of this session early."],
            { format: "pcm" },
          ))
            break;
        },
      ],
      [
        "list",
        async () => {
          const page = await client.voices.list({ pageSize: 5 });
          assert.ok(page.items.length > 0);
        },
      ],
      [
        "get-missing",
        async () => {
          await assert.rejects(client.voices.get("no-such-voice"), NotFoundError);
        },
      ],
      [
        "asr",
        async () => {
          const result = await client.asr.transcribe({ audio });
          assert.equal(typeof result.text, "string");
        },
      ],
      [
        "credits",
        async () => {
          const credits = await client.account.getCredits();
          assert.equal(typeof credits.credit, "string");
        },
      ],
    ];

    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < OPERATIONS) {
          const [name, run] = operations[next++ % operations.length]!;
          try {
            await run();
            outcomes.set(name, (outcomes.get(name) ?? 0) + 1);
          } catch (error) {
            failures.push(`${name}: ${(error as Error).name}: ${(error as Error).message}`);
          }
        }
      }),
    );
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} failed calls`);

    // Idle keep-alive sockets are unref'd by undici; anything ref'd that stays is a leak.
    const deadline = Date.now() + 10_000;
    let extra: string[] = [];
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      extra = [];
      for (const [name, count] of resourceCounts()) {
        const surplus = count - (baseline.get(name) ?? 0);
        if (surplus > 0) extra.push(`${surplus}x ${name}`);
      }
    } while (extra.length > 0 && Date.now() < deadline);
    process.off("unhandledRejection", onUnhandled);
    const mix = [...outcomes].map(([k, n]) => `${k} ${n}`).join(", ");
    assert.deepEqual(extra, [], `handles left after ${mix}`);
    assert.deepEqual(unhandled.map(String), [], "unhandled rejections");
  });
});
