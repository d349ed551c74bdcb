/**
 * Child process body for the memory bench: streams `bytes` of benchmark audio to a file through
 * one client path and reports the growth of this process's RSS over its idle, warmed-up baseline.
 */

import { once } from "node:events";
import fs from "node:fs";
import { childInput, childOutput } from "../lib/child.js";
import { sdkClient } from "../lib/sdk.js";
import { plainTts } from "../lib/wire.js";

interface Input {
  url: string;
  apiKey: string;
  mode: "sdk-http" | "sdk-ws" | "fetch";
  bytes: number;
  file: string;
}

const input = childInput<Input>();
const { save: sdkSave } = (await import("fishaudio/node")) as {
  save: (audio: AsyncIterable<Uint8Array>, path: string) => Promise<void>;
};
const client = await sdkClient(input);
let peak = 0;
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
};

async function audioFor(bytes: number): Promise<AsyncIterable<Uint8Array>> {
  if (input.mode === "sdk-http") {
    return client.tts.convert({ text: String(bytes), referenceId: "benchmark", format: "wav" });
  }
  if (input.mode === "sdk-ws") {
    return client.tts.streamWebsocket([String(bytes)], { referenceId: "benchmark", format: "wav" });
  }
  const res = await plainTts(input, {
    text: String(bytes),
    reference_id: "benchmark",
    format: "wav",
  });
  return res.body as unknown as AsyncIterable<Uint8Array>;
}

/** Counts and samples RSS at every chunk on its way to the file. */
async function* watched(audio: AsyncIterable<Uint8Array>, count: { bytes: number }) {
  for await (const chunk of audio) {
    count.bytes += chunk.byteLength;
    sample();
    yield chunk;
  }
}

/**
 * Writes the audio to the file: the SDK paths through `save` from fishaudio/node (what a user
 * would call), plain fetch through a write stream with backpressure. Returns the byte count.
 */
async function save(bytes: number): Promise<number> {
  const count = { bytes: 0 };
  const audio = watched(await audioFor(bytes), count);
  if (input.mode !== "fetch") {
    await sdkSave(audio, input.file);
    return count.bytes;
  }
  const out = fs.createWriteStream(input.file);
  for await (const chunk of audio) {
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "close");
  return count.bytes;
}

// Warm up the same path first (lazy imports such as ws, undici's first connection, JIT), so the
// growth measured below is what streaming itself needs, not one-time initialisation.
await save(8_000_000);
await save(8_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
gc?.();
await new Promise((r) => setTimeout(r, 50));
const baseline = process.memoryUsage.rss();
peak = baseline;
const timer = setInterval(sample, 5);
const t0 = performance.now();
const written = await save(input.bytes);
const ms = performance.now() - t0;
clearInterval(timer);
sample();
fs.rmSync(input.file, { force: true });
const result = { baseline, peak, growth: peak - baseline, written, ms, lingering: [] as string[] };
// The process should now exit by itself. If something the client opened is still holding the
// event loop 2 s later, say what (and exit anyway, so the bench goes on).
process.once("beforeExit", () => childOutput(result));
setTimeout(() => {
  result.lingering = process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap");
  childOutput(result);
  process.exit(0);
}, 2000).unref();
