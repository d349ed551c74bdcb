/**
 * MP3 through LAME compiled to WebAssembly (wasm-media-encoders): about four times less CPU than
 * the pure-JS lamejs port it replaced, which cost more than synthesis itself and capped how many
 * listeners two cores could serve. Each encoder is a WASM instance of its own; finished ones are
 * kept and reconfigured for the next stream (the library resets an encoder on `configure`).
 *
 * LAME also resamples: it is configured at the rate of the first audio it gets, and resamples to
 * the output rate itself (compiled code, no JIT warm-up, cheaper than the JS resampler). Audio at
 * another rate later in the stream (a second speaker's engine) is brought to the first rate by
 * the conditioner.
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
/** Finished encoders kept for reuse; more than this many idle ones are left to the GC. */
const IDLE_KEPT = 16;
const idle: Lame[] = [];
/** The WebAssembly global (its types live in the DOM lib, which this package does not load). */
const wasm = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<object> } })
  .WebAssembly;
let compiled: Promise<object> | undefined;

/** A fresh LAME instance; the WASM is read and compiled once per process. */
async function newLame(): Promise<Lame> {
  compiled ??= readFile(require.resolve("wasm-media-encoders/wasm/mp3")).then((bytes) =>
    wasm.compile(new Uint8Array(bytes)),
  );
  compiled.catch(() => {
    compiled = undefined;
  });
  const [{ createEncoder }, module] = await Promise.all([import("wasm-media-encoders"), compiled]);
  return createEncoder("audio/mpeg", module as Parameters<typeof createEncoder>[1]);
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
  private conditioner: Conditioner | undefined;
  private scratch = new Float32Array(4096);
  private done = false;

  private constructor(
    private readonly lame: Lame,
    private readonly rate: number,
    private readonly kbps: number,
    private readonly level: Mp3Level,
  ) {}

  /** Takes an idle instance or starts one; it is configured when the first audio arrives. */
  static async create(rate: number, kbps: number, level: Mp3Level): Promise<Mp3Encoder> {
    return new Mp3Encoder(idle.pop() ?? (await newLame()), rate, kbps, level);
  }

  write(chunk: PcmChunk): Uint8Array {
    if (this.done) throw new Error("The encoder has already ended.");
    if (chunk.samples.length === 0) return new Uint8Array(0);
    return this.encode(this.start(chunk.sampleRate).process(chunk));
  }

  end(): Uint8Array {
    if (this.done) throw new Error("The encoder has already ended.");
    this.done = true;
    const rest = this.encode(this.start(this.rate).flush());
    const tail = this.lame.finalize();
    const out = new Uint8Array(rest.length + tail.length);
    out.set(rest, 0);
    out.set(tail, rest.length);
    if (idle.length < IDLE_KEPT) idle.push(this.lame);
    return out;
  }

  /** Configures LAME for input at `inRate` on first use; the conditioner keeps that rate. */
  private start(inRate: number): Conditioner {
    if (this.conditioner) return this.conditioner;
    this.lame.configure({
      channels: 1,
      sampleRate: inRate,
      bitrate: this.kbps as CbrKbps,
      outputSampleRate: this.rate as Mp3Rate,
    });
    this.conditioner = new Conditioner({ sampleRate: inRate, ...this.level });
    return this.conditioner;
  }

  private encode(samples: Int16Array): Uint8Array {
    if (samples.length === 0) return new Uint8Array(0);
    if (this.scratch.length < samples.length) this.scratch = new Float32Array(samples.length);
    const input = this.scratch.subarray(0, samples.length);
    for (let i = 0; i < samples.length; i++) input[i] = (samples[i] as number) / 32768;
    // The returned view is the encoder's own buffer, overwritten by the next call: copy it.
    return this.lame.encode([input]).slice();
  }
}
