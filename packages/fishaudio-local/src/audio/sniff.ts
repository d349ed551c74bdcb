/** Container formats recognised from their first bytes. */
export type AudioContainer = "wav" | "mp3" | "ogg" | "flac" | "m4a" | "webm" | "aiff";

/**
 * Recognises an audio file by its magic bytes (names and declared types mean nothing: the
 * SDKs send "upload", "blob" or "audio.mp3" whatever the content).
 * @example sniffAudio(bytes) // "wav"
 */
export function sniffAudio(bytes: Uint8Array): AudioContainer | undefined {
  const ascii = (start: number, end: number) =>
    String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
  if (bytes.length < 4) return undefined;
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WAVE") return "wav";
  if (ascii(0, 4) === "OggS") return "ogg";
  if (ascii(0, 4) === "fLaC") return "flac";
  if (ascii(0, 4) === "FORM" && (ascii(8, 12) === "AIFF" || ascii(8, 12) === "AIFC")) return "aiff";
  if (ascii(4, 8) === "ftyp") return "m4a";
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)
    return "webm";
  if (ascii(0, 3) === "ID3") return "mp3";
  if (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0) return "mp3";
  return undefined;
}

/**
 * Recognises a cover image (png, jpeg, gif, webp, bmp) by its magic bytes.
 * @example sniffImage(bytes) // "png"
 */
export function sniffImage(bytes: Uint8Array): string | undefined {
  const ascii = (start: number, end: number) =>
    String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
  if (bytes.length < 4) return undefined;
  if (bytes[0] === 0x89 && ascii(1, 4) === "PNG") return "png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "jpeg";
  if (ascii(0, 4) === "GIF8") return "gif";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (ascii(0, 2) === "BM") return "bmp";
  return undefined;
}

/** The Content-Type for a sniffed image kind. */
export function imageContentType(kind: string | undefined): string {
  return kind ? `image/${kind}` : "application/octet-stream";
}

/** The Content-Type for a sniffed audio container. */
export function audioContentType(kind: AudioContainer | undefined): string {
  switch (kind) {
    case "wav":
      return "audio/wav";
    case "mp3":
      return "audio/mpeg";
    case "ogg":
      return "audio/ogg";
    case "flac":
      return "audio/flac";
    case "m4a":
      return "audio/mp4";
    case "webm":
      return "audio/webm";
    case "aiff":
      return "audio/aiff";
    default:
      return "application/octet-stream";
  }
}
