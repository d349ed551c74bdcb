import { openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import { FishAudioError } from "../core/error.js";

const TYPES: Record<string, string> = {
  ".wav": "audio/wav",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".opus": "audio/ogg",
  ".flac": "audio/flac",
  ".m4a": "audio/mp4",
  ".aac": "audio/aac",
  ".webm": "audio/webm",
  ".pcm": "application/octet-stream",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
};

/**
 * A file on disk as an upload-ready Blob (a File carrying the file's name), read lazily when it
 * is sent rather than loaded into memory now.
 *
 * @example
 * const result = await client.asr.transcribe({ audio: await fromFile("talk.wav") });
 */
export async function fromFile(path: string): Promise<Blob> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "permission denied"
          : String(code ?? cause);
    throw withCause(new FishAudioError(`fromFile: cannot read ${path}: ${why}`), cause);
  }
  if (!info.isFile()) {
    throw new FishAudioError(`fromFile: ${path} is not a regular file`);
  }
  const type = TYPES[extname(path).toLowerCase()] ?? "";
  const blob = await openAsBlob(path, { type });
  // A File keeps the name for multipart uploads; wrapping the disk-backed Blob does not read it.
  return new File([blob], basename(path), { type });
}

function withCause<E extends Error>(error: E, cause: unknown): E {
  (error as { cause?: unknown }).cause = cause;
  return error;
}
