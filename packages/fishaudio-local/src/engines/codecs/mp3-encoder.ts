/**
 * MP3 through LAME compiled to WebAssembly (wasm-media-encoders): about four times less CPU than
 * the pure-JS lamejs port it replaced, which cost more than synthesis itself and capped how many
 * listeners two cores could serve. Each encoder is a WASM instance of its own; finished ones are
 * kept and reconfigured for the next stream (the library resets an encoder on `configure`).
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
/** Finished encoders kept for reuse; more than this many idle ones are left to the GC. */
const IDLE_KEPT = 16;
const idle: Lame[] = [];
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
    private readonly rate: number,
    private readonly kbps: number,
    level: Mp3Level,
  ) {
    this.conditioner = new Conditioner({ sampleRate: rate, ...level });
  }

  /**
   * Takes an idle instance or starts one, configured at once: LAME's set-up (about 2 ms of CPU)
   * then runs while the caller waits for the engine's first audio, not after it.
   */
  static async create(rate: number, kbps: number, level: Mp3Level): Promise<Mp3Encoder> {
    const encoder = new Mp3Encoder(idle.pop() ?? (await newLame()), rate, kbps, level);
    encoder.configure();
    return encoder;
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
    if (idle.length < IDLE_KEPT) idle.push(this.lame);
    return out;
  }

  /** Configures LAME for this stream (an idle instance was set up for another one). */
  private configure(): void {
    this.lame.configure({
      channels: 1,
      sampleRate: this.rate,
      bitrate: this.kbps as CbrKbps,
      outputSampleRate: this.rate as Mp3Rate,
    });
  }

  private encode(samples: Float32Array): Uint8Array {
    if (samples.length === 0) return new Uint8Array(0);
    // The returned view is the encoder's own buffer, overwritten by the next call: copy it.
    return this.lame.encode([samples]).slice();
  }
}
