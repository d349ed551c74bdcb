/**
 * The render step of a TTS request: synthesis starts at once, the encoder is built (or taken from
 * the idle ones) meanwhile, and the first piece is encoded before anything is committed to the
 * client, so that an engine or encoder failure still gets a status (and the charge back) instead
 * of a connection closed with no response.
 */
import type { ServerContext } from "../context.js";
import type { AudioEncoder, Engines, PcmChunk } from "../engines/types.js";
import type { TtsJob } from "./pipeline.js";
import type { TtsParams } from "./request.js";

/** A piece of speech: its PCM (one chunk, or a sentence's chunks), or bytes already encoded. */
export interface Spoken {
  pcm: PcmChunk | readonly PcmChunk[];
  /** Bytes already in the output format (the benchmark voice's tone): not encoded again. */
  raw?: Uint8Array;
}

/** What a job is rendered into: plain PCM, PCM with word timings, sentences with alignment. */
export type SpeechSource<T extends Spoken> = (
  engines: Engines,
  job: TtsJob,
  signal: AbortSignal,
) => AsyncGenerator<T>;

/** A piece and its bytes in the job's format. */
export interface Encoded<T> {
  piece: T;
  bytes: Uint8Array;
}

/** A render under way: its first piece is ready, the rest come as they are synthesised. */
export interface Rendering<T> {
  /** Undefined when the text spoke nothing. */
  first: Encoded<T> | undefined;
  rest: AsyncGenerator<Encoded<T>>;
  /** The encoder's trailing bytes, once `rest` is done. */
  end(): Uint8Array;
}

/**
 * The streaming encoder for a request's format, rate, bitrates and loudness settings.
 * @example const encoder = await createEncoderFor(ctx, params);
 */
export function createEncoderFor(ctx: ServerContext, params: TtsParams): Promise<AudioEncoder> {
  return ctx.engines.createEncoder({
    format: params.format,
    sampleRate: params.sampleRate,
    mp3Bitrate: params.mp3Bitrate,
    opusBitrate: params.opusBitrate,
    volumeDb: params.volumeDb,
    normalize: params.normalizeLoudness,
  });
}

/** The benchmark voice's tone is written as it is: nothing to encode. */
const UNENCODED: AudioEncoder = {
  contentType: "application/octet-stream",
  write: () => new Uint8Array(0),
  end: () => new Uint8Array(0),
};

function encode(encoder: AudioEncoder, piece: Spoken): Uint8Array {
  if (piece.raw) return piece.raw;
  const pcm = piece.pcm;
  if (!Array.isArray(pcm)) return encoder.write(pcm as PcmChunk);
  return Buffer.concat(pcm.map((p: PcmChunk) => encoder.write(p)));
}

async function* encodeAll<T extends Spoken>(
  pieces: AsyncGenerator<T>,
  encoder: AudioEncoder,
): AsyncGenerator<Encoded<T>> {
  for await (const piece of pieces) yield { piece, bytes: encode(encoder, piece) };
}

/**
 * Starts rendering `job` from `source` and resolves once its first piece is encoded; rejects
 * (with synthesis stopped) when the engine or the encoder fails before that.
 * @example const rendering = await render(ctx, job, plainSpeech, abort);
 */
export async function render<T extends Spoken>(
  ctx: ServerContext,
  job: TtsJob,
  source: SpeechSource<T>,
  abort: AbortController,
): Promise<Rendering<T>> {
  const pieces = source(ctx.engines, job, abort.signal);
  const firstPending = pieces.next();
  let encoder: AudioEncoder;
  try {
    encoder =
      job.benchmarkBytes === undefined ? await createEncoderFor(ctx, job.params) : UNENCODED;
  } catch (error) {
    abort.abort();
    firstPending.catch(() => undefined);
    throw error;
  }
  const first = await firstPending;
  return {
    first: first.done ? undefined : { piece: first.value, bytes: encode(encoder, first.value) },
    rest: encodeAll(pieces, encoder),
    end: () => encoder.end(),
  };
}
