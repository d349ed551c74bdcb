/**
 * Well-formed request bodies for each endpoint (the starting points the fuzzer mutates) and the
 * encoders that put them on the wire: JSON, msgpack, urlencoded and hand-built multipart.
 */
import { encode } from "@msgpack/msgpack";

/** A mono 16-bit PCM WAV file holding a `hz` sine tone. */
export function sineWav(seconds = 0.5, sampleRate = 16_000, hz = 220): Uint8Array {
  const samples = Math.round(seconds * sampleRate);
  const out = Buffer.alloc(44 + samples * 2);
  out.write("RIFF", 0, "ascii");
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write("WAVE", 8, "ascii");
  out.write("fmt ", 12, "ascii");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write("data", 36, "ascii");
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    const value = Math.round(Math.sin((2 * Math.PI * hz * i) / sampleRate) * 8000);
    out.writeInt16LE(value, 44 + i * 2);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** One multipart part: a text field or a file. */
export interface Part {
  name: string;
  value: string | Uint8Array;
  filename?: string;
  contentType?: string;
}

/** A multipart/form-data body and the Content-Type (with boundary) that goes with it. */
export function multipart(
  parts: Part[],
  boundary = "----fuzzboundary7MA4YWxk",
): {
  body: Buffer;
  contentType: string;
} {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += "\r\n";
    if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(part.value), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** JSON bytes. */
export const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** msgpack bytes (undefined dropped, as the SDKs send). */
export const msgpack = (value: unknown): Buffer => {
  const bytes = encode(value, { ignoreUndefined: true, maxDepth: 10_000 });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

/** A form-urlencoded body; arrays repeat the key. */
export function urlencoded(fields: Record<string, string | string[]>): Buffer {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, item);
  }
  return Buffer.from(params.toString());
}

/** A valid TTS request (short text, so synthesis stays quick). */
export const ttsRequest = (): Record<string, unknown> => ({
  text: "Hi there.",
  format: "wav",
  chunk_length: 200,
  normalize: true,
  latency: "balanced",
  sample_rate: 16_000,
  mp3_bitrate: 128,
  opus_bitrate: 32,
  top_p: 0.7,
  temperature: 0.7,
  prosody: { speed: 1, volume: 0 },
  references: [],
});

/** A valid voice creation as a field map (files are added by the encoder). */
export const voiceFields = (): Record<string, string> => ({
  type: "tts",
  title: "Fuzz voice",
  train_mode: "fast",
  visibility: "private",
  description: "made by the fuzzer",
  texts: "a tone",
  tags: "fuzz,test",
  enhance_audio_quality: "false",
});

/** A valid voice creation as multipart, as the GO/TS SDKs send it. */
export function voiceMultipart(audio: Uint8Array, fields = voiceFields()) {
  return multipart([
    ...Object.entries(fields).map(([name, value]) => ({ name, value })),
    {
      name: "voices",
      value: audio,
      filename: "voice_0.wav",
      contentType: "application/octet-stream",
    },
  ]);
}
