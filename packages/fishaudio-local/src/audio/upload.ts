import type { ServerContext } from "../context.js";
import {
  AudioTooLongError,
  EngineUnavailableError,
  type PcmChunk,
  UnsupportedAudioError,
} from "../engines/types.js";
import { HttpError } from "../http/errors.js";

/** WAV sample rates outside this range are refused before decoding (a 1 Hz header would make 16 000× the samples). */
const MIN_WAV_RATE = 2000;
const MAX_WAV_RATE = 768_000;

interface WavFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  dataBytes: number | undefined;
}

/** Reads the fmt (and data size) of a RIFF/WAVE file; undefined for anything else. */
function wavFormat(bytes: Uint8Array): WavFormat | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (
    buf.length < 12 ||
    buf.toString("latin1", 0, 4) !== "RIFF" ||
    buf.toString("latin1", 8, 12) !== "WAVE"
  ) {
    return undefined;
  }
  let format: WavFormat | undefined;
  for (let offset = 12; offset + 8 <= buf.length; ) {
    const id = buf.toString("latin1", offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === "fmt " && offset + 24 <= buf.length) {
      format = {
        channels: buf.readUInt16LE(offset + 10),
        sampleRate: buf.readUInt32LE(offset + 12),
        bitsPerSample: buf.readUInt16LE(offset + 22),
        dataBytes: undefined,
      };
    } else if (id === "data") {
      if (format) format.dataBytes = Math.min(size, buf.length - offset - 8);
      break;
    }
    offset += 8 + size + (size % 2);
  }
  return format;
}

/**
 * What one request may still decode: `maxAudioSeconds` covers every file of a request together
 * (20 voice samples or inline references must not make 20 times the limit).
 */
export class AudioBudget {
  /** @example const budget = new AudioBudget(ctx.maxAudioSeconds); */
  constructor(public seconds: number) {}
}

/**
 * Decodes an uploaded audio file to 16 kHz mono PCM, refusing what would be absurd to decode
 * (WAV rates outside 2–768 kHz, audio longer than what is left of `budget`, by default
 * `maxAudioSeconds`; compressed audio is stopped as soon as it passes that while decoding) and
 * turning any decoder failure into a 400 that names the field.
 * @example const pcm = await decodeUpload(ctx, bytes, "audio");
 */
export async function decodeUpload(
  ctx: ServerContext,
  bytes: Uint8Array,
  field: string,
  budget: AudioBudget = new AudioBudget(ctx.maxAudioSeconds),
  signal?: AbortSignal,
): Promise<PcmChunk> {
  const max = budget.seconds;
  const wav = wavFormat(bytes);
  if (wav && (wav.sampleRate < MIN_WAV_RATE || wav.sampleRate > MAX_WAV_RATE)) {
    throw new HttpError(
      400,
      `'${field}' is a WAV file with a sample rate of ${wav.sampleRate} Hz; send ${MIN_WAV_RATE}..${MAX_WAV_RATE} Hz audio`,
    );
  }
  if (wav?.dataBytes !== undefined && wav.channels > 0 && wav.bitsPerSample >= 8) {
    const seconds =
      wav.dataBytes / (wav.sampleRate * wav.channels * Math.floor(wav.bitsPerSample / 8));
    if (seconds > max) throw tooLong(ctx, field, `${Math.round(seconds)} s of audio`, max);
  }
  let pcm: PcmChunk;
  try {
    pcm = await ctx.engines.decode(bytes, { maxSeconds: max, signal });
  } catch (error) {
    if (error instanceof AudioTooLongError) {
      throw tooLong(ctx, field, `longer than ${Math.round(max)} s`, max);
    }
    if (error instanceof EngineUnavailableError || error instanceof HttpError) throw error;
    if (signal?.aborted)
      throw new HttpError(400, `The client went away before '${field}' was decoded`);
    if (!(error instanceof UnsupportedAudioError)) {
      ctx.log(`decode of '${field}' failed: ${(error as Error)?.stack ?? String(error)}`);
    }
    throw new HttpError(
      400,
      `'${field}' could not be decoded as audio: ${(error as Error).message}`,
    );
  }
  const seconds = pcm.samples.length / pcm.sampleRate;
  if (seconds > max) throw tooLong(ctx, field, `${Math.round(seconds)} s of audio`, max);
  budget.seconds -= seconds;
  return pcm;
}

function tooLong(ctx: ServerContext, field: string, what: string, left: number): HttpError {
  const total = ctx.maxAudioSeconds;
  return new HttpError(
    413,
    left < total
      ? `'${field}' is ${what}; only ${Math.round(left)} s of the ${total} s limit (maxAudioSeconds, for all files of a request together) are left`
      : `'${field}' is ${what}; the limit is ${total} s (maxAudioSeconds)`,
  );
}
