import { resampleInt16 } from "../signal/resample.js";
import { type PcmChunk, UnsupportedAudioError } from "../types.js";
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

let decoderPromise: Promise<(bytes: Uint8Array) => Promise<DecodedAudio>> | undefined;

function loadDecoder() {
  decoderPromise ??= import("audio-decode").then(
    (m) => m.default as unknown as (bytes: Uint8Array) => Promise<DecodedAudio>,
  );
  return decoderPromise;
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
 * Decodes wav, mp3, ogg (vorbis/opus), flac, m4a (or webm/aiff) to mono 16 kHz Int16 PCM.
 * @example
 * const pcm = await decodeAudio(await readFile("speech.mp3"));
 */
export async function decodeAudio(bytes: Uint8Array): Promise<PcmChunk> {
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
    ({ samples, sampleRate } = parseWav(bytes));
  } else {
    const decode = await loadDecoder();
    let audio: DecodedAudio;
    try {
      audio = await decode(bytes);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new UnsupportedAudioError(`Could not decode the ${container} audio: ${detail}`);
    }
    if (!audio?.channelData?.length || !(audio.sampleRate > 0)) {
      throw new UnsupportedAudioError(`The ${container} file holds no decodable audio.`);
    }
    samples = downmix(audio);
    sampleRate = audio.sampleRate;
  }
  return { samples: resampleInt16(samples, sampleRate, DECODE_RATE), sampleRate: DECODE_RATE };
}
