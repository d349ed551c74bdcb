/**
 * A 16-bit mono WAV file around PCM samples (floats in -1…1 or 16-bit integers).
 * @example const wav = encodeWav(samples, 16000);
 */
export function encodeWav(samples: Float32Array | Int16Array, sampleRate: number): Uint8Array {
  const out = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(out.buffer);
  const text = (offset: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[offset + i] = s.charCodeAt(i);
  };
  text(0, "RIFF");
  view.setUint32(4, 36 + samples.length * 2, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    const value =
      samples instanceof Int16Array ? s : Math.round(Math.max(-1, Math.min(1, s)) * 32767);
    view.setInt16(44 + i * 2, value, true);
  }
  return out;
}

/** Where the samples of a WAV file start, and their rate; undefined until the header is in. */
export function parseWavHeader(
  bytes: Uint8Array,
): { dataOffset: number; sampleRate: number } | undefined {
  if (bytes.length < 12) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= bytes.length) {
    const id = String.fromCharCode(...bytes.subarray(offset, offset + 4));
    const size = view.getUint32(offset + 4, true);
    if (id === "fmt " && offset + 16 <= bytes.length)
      sampleRate = view.getUint32(offset + 12, true);
    if (id === "data") return sampleRate ? { dataOffset: offset + 8, sampleRate } : undefined;
    offset += 8 + size + (size % 2);
  }
  return undefined;
}
