/**
 * MP3 through LAME compiled to WebAssembly (wasm-media-encoders): about four times less CPU than
 * the pure-JS lamejs port it replaced, which cost more than synthesis itself and capped how many
 * listeners two cores could serve. Each encoder is a WASM instance of its own; finished ones are
 * kept and reconfigured for the next stream (the library resets an encoder on `configure`).
 * Starting and configuring one costs ~5 ms of CPU, which 50 requests at once paid before any of
 * them could be spoken: an encoder thread therefore keeps some configured for the usual
 * settings in its idle moments (prepareMp3), and a stream takes one of those first.
 *
 * LAME gets float samples at the output rate: the conditioner resamples (its 22-tap polyphase
 * filter costs less CPU than LAME's own 32-tap resampler, measured side by side) and scales
 * straight to [-1, 1], so no sample goes through Int16 on the way.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { WasmMediaEncoder } from "wasm-media-encoders";
import type { AudioEncoder, PcmChunk } from "../types.js";
import { Conditioner } from "./conditioner.js";

type Lame = WasmMediaEncoder<"audio/mpeg">;
type CbrKbps = 64 | 128 | 192;
type Mp3Rate = 32000 | 44100 | 48000;

const require = createRequire(import.meta.url);
/** Idle encoders kept for reuse; more than this many are left to the GC (~0.5-1 MB each). */
const IDLE_KEPT = 32;
/** An idle instance: `ready` names the settings it is configured for and has not encoded since. */
interface Idle {
  lame: Lame;
  ready?: string;
}
const idle: Idle[] = [];
const settingsKey = (rate: number, kbps: number) => `${rate}/${kbps}`;
/** The WebAssembly global (its types live in the DOM lib, which this package does not load). */
const wasm = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<object> } })
  .WebAssembly;
let compiled: Promise<[typeof import("wasm-media-encoders"), object]> | undefined;

/**
 * Reads and compiles LAME's WebAssembly and loads its wrapper, once per process; a one-shot
 * command calls it first, so that this overlaps with loading the server's modules.
 * @example precompileMp3(); // later encoders start without reading or compiling
 */
export function precompileMp3(): Promise<[typeof import("wasm-media-encoders"), object]> {
  if (!compiled) {
    compiled = Promise.all([
      import("wasm-media-encoders"),
      readFile(require.resolve("wasm-media-encoders/wasm/mp3")).then((bytes) =>
        wasm.compile(new Uint8Array(bytes)),
      ),
    ]);
    compiled.catch(() => {
      compiled = undefined;
    });
  }
  return compiled;
}

/** A fresh LAME instance. */
async function newLame(): Promise<Lame> {
  const [{ createEncoder }, module] = await precompileMp3();
  return createEncoder("audio/mpeg", module as Parameters<typeof createEncoder>[1]);
}

function configureLame(lame: Lame, rate: number, kbps: number): void {
  lame.configure({
    channels: 1,
    sampleRate: rate,
    bitrate: kbps as CbrKbps,
    outputSampleRate: rate as Mp3Rate,
  });
}

/**
 * One step towards `count` idle encoders configured for `rate`/`kbps`: configures a spent idle
 * one, or starts one. Resolves to whether more steps are needed; a thread calls it while it has
 * nothing else to do, one step per turn of its loop.
 * @example while (await prepareMp3(44100, 128, 16)) await nextIdleMoment();
 */
export async function prepareMp3(rate: number, kbps: number, count: number): Promise<boolean> {
  const key = settingsKey(rate, kbps);
  const readyNow = () => idle.filter((entry) => entry.ready === key).length;
  if (readyNow() >= count) return false;
  const spent = idle.find((entry) => entry.ready === undefined);
  if (spent) {
    configureLame(spent.lame, rate, kbps);
    spent.ready = key;
  } else if (idle.length < IDLE_KEPT) {
    const lame = await newLame();
    configureLame(lame, rate, kbps);
    idle.push({ lame, ready: key });
  } else {
    return false;
  }
  return readyNow() < count;
}

/**
 * Encodes a few seconds of a synthetic voice-like signal and drops the bytes: an encoder thread's
 * first seconds cost about ten times the steady rate (~100 ms of CPU for the first second) while
 * V8 compiles LAME's hot code, which a long-running server pays at start instead of in its first
 * requests. The encoder goes back to the idle ones.
 * @example await warmMp3(44100, 128);
 */
export async function warmMp3(rate: number, kbps: number): Promise<void> {
  const encoder = await Mp3Encoder.create(rate, kbps, {});
  const slice = new Int16Array(4000); // 0.25 s at 16 kHz, the size the pipeline writes
  for (let n = 0; n < 16; n++) {
    for (let i = 0; i < slice.length; i++) {
      const t = n * slice.length + i;
      slice[i] = Math.round(
        6000 * Math.sin(t / 9) + 2500 * Math.sin(t / 2.3) + 800 * Math.sin(t * 1.7),
      );
    }
    encoder.write({ samples: slice, sampleRate: 16000 });
  }
  encoder.end();
}

/** How many idle encoders there are, and how many are configured for `rate`/`kbps` (tests). */
export function idleMp3(rate: number, kbps: number): { idle: number; ready: number } {
  const key = settingsKey(rate, kbps);
  return { idle: idle.length, ready: idle.filter((entry) => entry.ready === key).length };
}

/** Gain and loudness options, as the conditioner takes them. */
export interface Mp3Level {
  volumeDb?: number;
  normalize?: boolean;
}

/**
 * A streaming MP3 encoder: constant bitrate, mono, `rate` Hz out.
 * @example const enc = await Mp3Encoder.create(44100, 128, {}); enc.write(pcm); enc.end();
 */
export class Mp3Encoder implements AudioEncoder {
  readonly contentType = "audio/mpeg";
  private readonly conditioner: Conditioner;
  private done = false;

  private constructor(
    private readonly lame: Lame,
    rate: number,
    level: Mp3Level,
  ) {
    this.conditioner = new Conditioner({ sampleRate: rate, ...level });
  }

  /**
   * Takes an idle instance already configured for these settings, or else any idle one or a new
   * one, configured at once: LAME's set-up (2-3 ms of CPU) then runs while the caller waits for
   * the engine's first audio, not after it.
   */
  static async create(rate: number, kbps: number, level: Mp3Level): Promise<Mp3Encoder> {
    const key = settingsKey(rate, kbps);
    // Configured for these settings, else one that needs configuring anyway, else any.
    let index = idle.findIndex((entry) => entry.ready === key);
    if (index < 0) index = idle.findIndex((entry) => entry.ready === undefined);
    const taken = idle.splice(index < 0 ? -1 : index, 1)[0];
    const lame = taken?.lame ?? (await newLame());
    if (taken?.ready !== key) configureLame(lame, rate, kbps);
    return new Mp3Encoder(lame, rate, level);
  }

  write(chunk: PcmChunk): Uint8Array {
    if (this.done) throw new Error("The encoder has already ended.");
    if (chunk.samples.length === 0) return new Uint8Array(0);
    return this.encode(this.conditioner.processFloat(chunk));
  }

  end(): Uint8Array {
    if (this.done) throw new Error("The encoder has already ended.");
    this.done = true;
    const rest = this.encode(this.conditioner.flushFloat());
    const tail = this.lame.finalize();
    const out = new Uint8Array(rest.length + tail.length);
    out.set(rest, 0);
    out.set(tail, rest.length);
    if (idle.length < IDLE_KEPT) idle.push({ lame: this.lame });
    return out;
  }

  private encode(samples: Float32Array): Uint8Array {
    if (samples.length === 0) return new Uint8Array(0);
    // The returned view is the encoder's own buffer, overwritten by the next call: copy it.
    return this.lame.encode([samples]).slice();
  }
}
