import { createRequire } from "node:module";

/**
 * opusscript 0.1.x keeps every encoder in ONE shared WASM module, and its `encode()` writes the
 * PCM through `HEAPU16.subarray(ptr, …)`, i.e. at byte 2×ptr, outside the block it allocated.
 * A lone encoder gets away with it; concurrent encoders overwrite each other's state (celt NaN
 * asserts, "Bad argument", then a module that fails every request). Here each live encoder gets
 * a WASM module instance of its own (about 2 ms to create, pooled and reused), which restores
 * the lone-encoder case, and the heap views are taken fresh on every call.
 */

/** The native module opusscript builds on (its emscripten build). */
interface NativeModule {
  OpusScriptHandler: {
    new (sampleRate: number, channels: number, application: number): NativeHandler;
    destroy_handler(handler: NativeHandler): void;
  };
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
}

interface NativeHandler {
  _encode(input: number, bytes: number, output: number, frameSize: number): number;
  _encoder_ctl(ctl: number, value: number): number;
}

const require = createRequire(import.meta.url);
const APPLICATION_AUDIO = 2049;
const SET_BITRATE = 4002;
const MAX_FRAME_SAMPLES = 2880; // 60 ms at 48 kHz, as opusscript sizes it
const MAX_PACKET_BYTES = 1276 * 3;
const IDLE_MODULES_KEPT = 8;

const idleModules: NativeModule[] = [];

interface Allocation {
  native: NativeModule;
  handler: NativeHandler;
  input: number;
  output: number;
}

function release({ native, handler, input, output }: Allocation): void {
  native.OpusScriptHandler.destroy_handler(handler);
  native._free(input);
  native._free(output);
  if (idleModules.length < IDLE_MODULES_KEPT) idleModules.push(native);
}

// An encoder whose request was abandoned (client gone before end()) still gives its module back.
const abandoned = new FinalizationRegistry<Allocation>(release);

function acquireModule(): NativeModule {
  return idleModules.pop() ?? require("opusscript/build/opusscript_native_wasm.js")();
}

/** One mono Opus encoder fed whole frames; safe with any number of live instances. */
export class OpusFrameEncoder {
  readonly #native: NativeModule;
  readonly #handler: NativeHandler;
  readonly #input: number;
  readonly #output: number;
  #deleted = false;

  /** @example const encoder = new OpusFrameEncoder(48_000, 64_000); */
  constructor(sampleRate: 8000 | 12000 | 16000 | 24000 | 48000, bitrate: number) {
    this.#native = acquireModule();
    this.#handler = new this.#native.OpusScriptHandler(sampleRate, 1, APPLICATION_AUDIO);
    this.#input = this.#native._malloc(MAX_FRAME_SAMPLES * 2);
    this.#output = this.#native._malloc(MAX_PACKET_BYTES);
    abandoned.register(
      this,
      { native: this.#native, handler: this.#handler, input: this.#input, output: this.#output },
      this,
    );
    const status = this.#handler._encoder_ctl(SET_BITRATE, bitrate);
    if (status < 0) throw new RangeError(`Opus rejected the bitrate ${bitrate} (error ${status}).`);
  }

  /**
   * Encodes one frame of `frameSize` samples and returns the packet (a copy).
   * @example const packet = encoder.encode(new Int16Array(960), 960);
   */
  encode(frame: Int16Array, frameSize: number): Uint8Array {
    if (this.#deleted) throw new Error("This Opus encoder was deleted.");
    if (frame.length > MAX_FRAME_SAMPLES) {
      throw new RangeError(`An Opus frame holds at most ${MAX_FRAME_SAMPLES} samples.`);
    }
    // Exactly opusscript's own layout: one input BYTE per 16-bit element, at element index =
    // pointer (the native side reassembles samples from it). Harmless now that the module holds
    // this encoder alone; the view is re-read because memory may have grown.
    const bytes = new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
    const pcm = this.#native.HEAPU16.subarray(this.#input, this.#input + bytes.length);
    pcm.set(bytes);
    const length = this.#handler._encode(pcm.byteOffset, bytes.length, this.#output, frameSize);
    if (length < 0) throw new Error(`Opus encoding failed (error ${length}).`);
    return this.#native.HEAPU8.slice(this.#output, this.#output + length);
  }

  /** Frees the encoder and returns its module to the pool; safe to call twice. @example encoder.delete(); */
  delete(): void {
    if (this.#deleted) return;
    this.#deleted = true;
    abandoned.unregister(this);
    release({
      native: this.#native,
      handler: this.#handler,
      input: this.#input,
      output: this.#output,
    });
  }
}
