import type { AudioFormat } from "./request.js";

/** The Content-Type of each output format (the same types the open-source server uses). */
export const CONTENT_TYPES: Record<AudioFormat, string> = {
  wav: "audio/wav",
  pcm: "application/octet-stream",
  mp3: "audio/mpeg",
  opus: "audio/ogg",
};
