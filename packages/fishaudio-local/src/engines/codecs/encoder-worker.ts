/**
 * Worker thread that runs streaming encoders (mp3, opus) for the server's requests, so encoding
 * runs beside the event loop instead of on it. Each request's encoder lives here from open to
 * end; writes carry when their audio is due (PlaybackClock) and the most urgent one queued is
 * encoded first, one per turn of this thread's loop, so a write that arrives meanwhile is weighed
 * against the rest.
 */
import { parentPort } from "node:worker_threads";
import type { AudioEncoder, EncoderOptions } from "../types.js";
import { createEncoder, mp3Bitrate, mp3SampleRate } from "./encoders.js";
import { prepareMp3, warmMp3 } from "./mp3-encoder.js";

export type EncoderCall =
  | { op: "open"; id: number; options: EncoderOptions }
  | { op: "write"; id: number; samples: Int16Array; sampleRate: number; due: number }
  | { op: "end"; id: number }
  | { close: true };

export type EncoderAnswer =
  | { id: number; bytes: Uint8Array }
  | { id: number; contentType: string }
  | { id: number; error: string };

const port = parentPort!;
/**
 * mp3 encoders this thread keeps configured for the default settings, made in its idle moments:
 * enough for ~50 streams starting at once on two threads, ~0.5 MB each.
 */
const READY_MP3 = 24;
const encoders = new Map<number, AudioEncoder>();
/** Queued writes, earliest due first (a small array: one per open stream at most). */
const writes: Array<Extract<EncoderCall, { op: "write" }>> = [];
let scheduled = false;

function answer(message: EncoderAnswer): void {
  if ("bytes" in message && message.bytes.byteLength > 0) {
    // The bytes are a fresh copy from the encoder: hand the buffer over instead of copying it.
    port.postMessage(message, [message.bytes.buffer as ArrayBuffer]);
  } else {
    port.postMessage(message);
  }
}

function fail(id: number, err: unknown): void {
  encoders.delete(id);
  answer({ id, error: err instanceof Error ? err.message : String(err) });
}

let preparing = false;
let warmed = false;
/**
 * While no write is waiting, one step per turn of this thread's loop: warms LAME once (warmMp3),
 * then configures encoders ahead of need (prepareMp3).
 */
function prepareWhenIdle(): void {
  if (preparing) return;
  preparing = true;
  const step = async () => {
    let more = false;
    const [rate, kbps] = [mp3SampleRate(undefined), mp3Bitrate(undefined)];
    if (writes.length === 0 && !warmed) {
      warmed = true;
      more = await warmMp3(rate, kbps).then(
        () => true,
        () => false,
      );
    } else if (writes.length === 0) {
      more = await prepareMp3(rate, kbps, READY_MP3).catch(() => false);
    }
    // Writes waiting: runNext calls again once they are done.
    if (more && writes.length === 0) setImmediate(step);
    else preparing = false;
  };
  setImmediate(step);
}

function runNext(): void {
  scheduled = false;
  let best = 0;
  for (let i = 1; i < writes.length; i++) if (writes[i]!.due < writes[best]!.due) best = i;
  const call = writes.splice(best, 1)[0];
  if (writes.length > 0) {
    scheduled = true;
    setImmediate(runNext);
  } else {
    prepareWhenIdle();
  }
  if (!call) return;
  const encoder = encoders.get(call.id);
  if (!encoder) {
    fail(call.id, new Error("no such encoder"));
    return;
  }
  try {
    const bytes = encoder.write({ samples: call.samples, sampleRate: call.sampleRate });
    answer({ id: call.id, bytes: bytes.byteLength > 0 ? bytes.slice() : bytes });
  } catch (err) {
    fail(call.id, err);
  }
}

port.on("message", (call: EncoderCall) => {
  if ("close" in call) {
    port.close();
    return;
  }
  if (call.op === "open") {
    createEncoder(call.options).then(
      (encoder) => {
        encoders.set(call.id, encoder);
        answer({ id: call.id, contentType: encoder.contentType });
      },
      (err: unknown) => fail(call.id, err),
    );
  } else if (call.op === "write") {
    writes.push(call);
    if (!scheduled) {
      scheduled = true;
      setImmediate(runNext);
    }
  } else {
    const encoder = encoders.get(call.id);
    encoders.delete(call.id);
    if (!encoder) return fail(call.id, new Error("no such encoder"));
    try {
      const bytes = encoder.end();
      answer({ id: call.id, bytes: bytes.byteLength > 0 ? bytes.slice() : bytes });
    } catch (err) {
      fail(call.id, err);
    }
    if (writes.length === 0) prepareWhenIdle();
  }
});
port.postMessage({ ready: true });
prepareWhenIdle();
