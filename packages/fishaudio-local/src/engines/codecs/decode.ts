import { resampleInt16 } from "../signal/resample.js";
import { AudioTooLongError, type PcmChunk, UnsupportedAudioError } from "../types.js";
import { isWav, parseWav } from "./wav.js";

/** Recognition and pitch analysis work at 16 kHz. */
export const DECODE_RATE = 16000;

type Container = "wav" | "mp3" | "ogg" | "flac" | "m4a" | "webm" | "aiff";

/**
 * Which container the bytes look like, from their magic numbers (undefined if none).
 * @example
 * sniffContainer(bytes); // "mp3"
 */
export function sniffContainer(bytes: Uint8Array): Container | undefined {
  const ascii = (start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
  if (bytes.length < 4) return undefined;
  if (isWav(bytes)) return "wav";
  if (ascii(0, 4) === "OggS") return "ogg";
  if (ascii(0, 4) === "fLaC") return "flac";
  if (ascii(0, 3) === "ID3") return "mp3";
  if (bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0 && (bytes[1]! & 0x06) !== 0) return "mp3";
  if (bytes.length >= 12 && ascii(4, 8) === "ftyp") return "m4a";
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)
    return "webm";
  if (ascii(0, 4) === "FORM" && bytes.length >= 12 && /^AIF[FC]$/.test(ascii(8, 12))) return "aiff";
  return undefined;
}

interface DecodedAudio {
  channelData: Float32Array[];
  sampleRate: number;
}

/** One of audio-decode's streaming decoders: feed chunks, then call with nothing to flush. */
type StreamDecoder = ((chunk?: Uint8Array) => Promise<DecodedAudio>) & { free(): void };
type DecoderFactories = Record<string, () => Promise<StreamDecoder>>;

let decodersPromise: Promise<DecoderFactories> | undefined;

function loadDecoders(): Promise<DecoderFactories> {
  decodersPromise ??= import("audio-decode").then((m) => m.default as unknown as DecoderFactories);
  return decodersPromise;
}

/**
 * Input is fed to the decoder this many bytes at a time, so that the decoded size is checked
 * against the limit every few kilobytes: a FLAC block of silence is a dozen bytes for 4096
 * samples, so 1 KiB can still hold minutes, but never gigabytes.
 */
const FEED_BYTES = 1024;

/** audio-decode's decoder name for a container ("ogg" is Opus or Vorbis by its first packet). */
function decoderName(container: Container, bytes: Uint8Array): string {
  if (container !== "ogg") return container;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 128));
  return head.includes("OpusHead") ? "opus" : "oga";
}

function downmix(audio: DecodedAudio): Int16Array {
  const channels = audio.channelData;
  const length = channels[0]?.length ?? 0;
  const out = new Int16Array(length);
  const n = channels.length;
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (let c = 0; c < n; c++) sum += channels[c]![i]!;
    const v = Math.round((sum / n) * 32767);
    out[i] = v > 32767 ? 32767 : Math.max(v, -32768);
  }
  return out;
}

/**
 * Decodes wav, mp3, ogg (vorbis/opus), flac, m4a (or webm/aiff) to mono 16 kHz Int16 PCM,
 * stopping with AudioTooLongError as soon as more than `maxSeconds` have been decoded: a tiny
 * compressed file can hold hours (a 2 MB FLAC of silence is four hours), so the length is
 * checked while decoding, never after.
 * @example
 * const pcm = await decodeAudio(await readFile("speech.mp3"), 1200);
 */
export async function decodeAudio(
  bytes: Uint8Array,
  maxSeconds = Number.POSITIVE_INFINITY,
): Promise<PcmChunk> {
  const container = sniffContainer(bytes);
  if (!container) {
    throw new UnsupportedAudioError(
      "The upload is not audio in a supported format; send wav, mp3, ogg (Vorbis/Opus), flac or m4a.",
    );
  }
  let samples: Int16Array;
  let sampleRate: number;
  if (container === "wav") {
    // Read WAV here: streamed files (ours included) carry placeholder sizes other decoders reject.
    // WAV is uncompressed: its decoded size is bounded by the upload's.
    ({ samples, sampleRate } = parseWav(bytes));
    if (samples.length / sampleRate > maxSeconds) throw new AudioTooLongError(maxSeconds);
  } else {
    ({ samples, sampleRate } = await decodeBounded(bytes, container, maxSeconds));
  }
  return { samples: resampleInt16(samples, sampleRate, DECODE_RATE), sampleRate: DECODE_RATE };
}

async function decodeBounded(
  bytes: Uint8Array,
  container: Container,
  maxSeconds: number,
): Promise<{ samples: Int16Array; sampleRate: number }> {
  const factories = await loadDecoders();
  const parts: Int16Array[] = [];
  let total = 0;
  let sampleRate = 0;
  const take = (audio: DecodedAudio) => {
    if (!audio?.channelData?.length || !(audio.sampleRate > 0)) return;
    sampleRate ||= audio.sampleRate;
    const mono = downmix(audio);
    total += mono.length;
    if (total / sampleRate > maxSeconds) throw new AudioTooLongError(maxSeconds);
    parts.push(mono);
  };
  let decoder: StreamDecoder | undefined;
  try {
    const create = factories[decoderName(container, bytes)];
    if (!create) throw new Error(`no decoder for ${container}`);
    decoder = await create();
    for (let offset = 0; offset < bytes.length; offset += FEED_BYTES) {
      take(await decoder(bytes.subarray(offset, offset + FEED_BYTES)));
    }
    const flushed = await decoder();
    decoder = undefined; // Flushing frees it.
    take(flushed);
  } catch (err) {
    decoder?.free();
    if (err instanceof AudioTooLongError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new UnsupportedAudioError(`Could not decode the ${container} audio: ${detail}`);
  }
  if (total === 0)
    throw new UnsupportedAudioError(`The ${container} file holds no decodable audio.`);
  const samples = new Int16Array(total);
  let at = 0;
  for (const part of parts) {
    samples.set(part, at);
    at += part.length;
  }
  return { samples, sampleRate };
}
