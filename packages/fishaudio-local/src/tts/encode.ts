/**
 * The render step of a TTS request: synthesis starts at once, the encoder is built (or taken from
 * the idle ones) meanwhile, and the first piece is encoded before anything is committed to the
 * client, so that an engine or encoder failure still gets a status (and the charge back) instead
 * of a connection closed with no response.
 */
import type { ServerContext } from "../context.js";
import { inlineEncoder } from "../engines/codecs/inline-encoder.js";
import type { AsyncAudioEncoder, Engines, PcmChunk } from "../engines/types.js";
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
  end(): Promise<Uint8Array>;
  /** Frees the encoder when the answer stopped before end() (client gone, failure). */
  release(): void;
}

/**
 * The streaming encoder for a request's format, rate, bitrates and loudness settings (off the
 * event loop when the engines can).
 * @example const encoder = await createEncoderFor(ctx, params);
 */
export async function createEncoderFor(
  ctx: ServerContext,
  params: TtsParams,
): Promise<AsyncAudioEncoder> {
  const options = {
    format: params.format,
    sampleRate: params.sampleRate,
    mp3Bitrate: params.mp3Bitrate,
    opusBitrate: params.opusBitrate,
    volumeDb: params.volumeDb,
    normalize: params.normalizeLoudness,
  };
  const engines = ctx.engines;
  return engines.createStreamEncoder
    ? engines.createStreamEncoder(options)
    : inlineEncoder(await engines.createEncoder(options));
}

/** The benchmark voice's tone is written as it is: nothing to encode. */
const UNENCODED: AsyncAudioEncoder = {
  contentType: "application/octet-stream",
  write: async () => new Uint8Array(0),
  end: async () => new Uint8Array(0),
  discard: () => undefined,
};

async function encode(encoder: AsyncAudioEncoder, piece: Spoken): Promise<Uint8Array> {
  if (piece.raw) return piece.raw;
  const pcm = piece.pcm;
  if (!Array.isArray(pcm)) return encoder.write(pcm as PcmChunk);
  const parts: Uint8Array[] = [];
  for (const p of pcm as readonly PcmChunk[]) parts.push(await encoder.write(p));
  return Buffer.concat(parts);
}

async function* encodeAll<T extends Spoken>(
  pieces: AsyncGenerator<T>,
  encoder: AsyncAudioEncoder,
): AsyncGenerator<Encoded<T>> {
  for await (const piece of pieces) yield { piece, bytes: await encode(encoder, piece) };
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
  let encoder: AsyncAudioEncoder;
  try {
    encoder =
      job.benchmarkBytes === undefined ? await createEncoderFor(ctx, job.params) : UNENCODED;
  } catch (error) {
    abort.abort();
    firstPending.catch(() => undefined);
    throw error;
  }
  let ended = false;
  const release = () => {
    if (ended) return;
    ended = true;
    encoder.discard();
  };
  try {
    const first = await firstPending;
    return {
      first: first.done
        ? undefined
        : { piece: first.value, bytes: await encode(encoder, first.value) },
      rest: encodeAll(pieces, encoder),
      end: () => {
        ended = true;
        return encoder.end();
      },
      release,
    };
  } catch (error) {
    release();
    throw error;
  }
}
