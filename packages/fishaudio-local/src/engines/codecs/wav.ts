import { UnsupportedAudioError } from "../types.js";

/** RIFF size the real service writes whatever the length (protocol §2.2). */
export const PLACEHOLDER_RIFF_SIZE = 0xffffff24;
/** data-chunk size the real service writes whatever the length (protocol §2.2). */
export const PLACEHOLDER_DATA_SIZE = 0xffffff00;

/**
 * A 44-byte header for 16-bit mono PCM with the service's placeholder sizes, so it can be sent
 * before the length is known.
 * @example
 * const header = wavHeader(44100);
 */
export function wavHeader(sampleRate: number): Uint8Array {
  const b = new Uint8Array(44);
  const v = new DataView(b.buffer);
  b.set([0x52, 0x49, 0x46, 0x46], 0); // RIFF
  v.setUint32(4, PLACEHOLDER_RIFF_SIZE, true);
  b.set([0x57, 0x41, 0x56, 0x45], 8); // WAVE
  b.set([0x66, 0x6d, 0x74, 0x20], 12); // "fmt "
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  b.set([0x64, 0x61, 0x74, 0x61], 36); // data
  v.setUint32(40, PLACEHOLDER_DATA_SIZE, true);
  return b;
}

function tag(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}

/** True when the bytes start like a RIFF/WAVE file. */
export function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && tag(bytes, 0) === "RIFF" && tag(bytes, 8) === "WAVE";
}

/**
 * Reads a PCM or float WAV (any channel count, 8/16/24/32-bit) into mono Int16. Chunk sizes past
 * the end of the data (streamed files, placeholder headers) are clamped to what is there.
 * @example
 * const { samples, sampleRate } = parseWav(bytes);
 */
export function parseWav(bytes: Uint8Array): { samples: Int16Array; sampleRate: number } {
  if (!isWav(bytes)) throw new UnsupportedAudioError("Not a WAV file (no RIFF/WAVE header).");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let format = 0;
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  while (offset + 8 <= bytes.length) {
    const id = tag(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "fmt ") {
      format = view.getUint16(body, true);
      channels = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
      bits = view.getUint16(body + 14, true);
      if (format === 0xfffe && size >= 40) format = view.getUint16(body + 24, true);
    } else if (id === "data") {
      if (!channels || !sampleRate) {
        throw new UnsupportedAudioError("WAV file has its data chunk before a valid fmt chunk.");
      }
      const end = Math.min(bytes.length, body + size);
      return { samples: toMonoInt16(view, body, end, format, channels, bits), sampleRate };
    }
    offset = body + size + (size & 1);
  }
  throw new UnsupportedAudioError("WAV file has no data chunk.");
}

function toMonoInt16(
  view: DataView,
  start: number,
  end: number,
  format: number,
  channels: number,
  bits: number,
): Int16Array {
  const bytesPerSample = bits / 8;
  const supported =
    (format === 1 && [8, 16, 24, 32].includes(bits)) || (format === 3 && [32, 64].includes(bits));
  if (!supported) {
    throw new UnsupportedAudioError(
      `Unsupported WAV encoding (format ${format}, ${bits}-bit); send 8/16/24/32-bit PCM or float WAV.`,
    );
  }
  const frameBytes = bytesPerSample * channels;
  const frames = Math.floor((end - start) / frameBytes);
  const out = new Int16Array(frames);
  const read = (pos: number): number => {
    if (format === 3) {
      return (bits === 32 ? view.getFloat32(pos, true) : view.getFloat64(pos, true)) * 32768;
    }
    switch (bits) {
      case 8:
        return (view.getUint8(pos) - 128) * 256;
      case 16:
        return view.getInt16(pos, true);
      case 24:
        return ((view.getUint8(pos + 2) << 24) | (view.getUint16(pos, true) << 8)) / 65536;
      default:
        return view.getInt32(pos, true) / 65536;
    }
  };
  for (let f = 0; f < frames; f++) {
    const base = start + f * frameBytes;
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(base + c * bytesPerSample);
    const v = Math.round(sum / channels);
    out[f] = v > 32767 ? 32767 : Math.max(v, -32768);
  }
  return out;
}
