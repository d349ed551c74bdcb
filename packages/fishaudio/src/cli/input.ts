/**
 * Reading what the user hands the CLI: text from arguments, files or stdin, and audio or image
 * files checked up front, so a typo or a text file fails here, before any request is sent.
 */
import { open, readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { fromFile } from "../node/index.js";
import { CliError } from "./errors.js";

/**
 * Reads all of stdin as UTF-8.
 * @example const text = await readStdinText();
 */
export async function readStdinText(): Promise<string> {
  return new TextDecoder().decode(await readStdinBytes());
}

/**
 * Reads all of stdin as bytes.
 * @example const audio = await readStdinBytes();
 */
export async function readStdinBytes(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Reads a UTF-8 text file, with a clear error when it is missing.
 * @example const text = await readTextFile("speech.txt");
 */
export async function readTextFile(path: string): Promise<string> {
  await mustBeFile(path, "text file");
  return readFile(path, "utf8");
}

/**
 * An audio file as a Blob for upload, after checking it exists and is not plainly text.
 * `-` reads stdin.
 * @example const audio = await audioFile("talk.wav");
 */
export async function audioFile(path: string): Promise<Blob> {
  if (path === "-") {
    const bytes = await readStdinBytes();
    checkAudioBytes(bytes, "stdin");
    return new Blob([bytes as Uint8Array<ArrayBuffer>]);
  }
  await mustBeFile(path, "audio file");
  const handle = await open(path, "r");
  try {
    const head = new Uint8Array(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    checkAudioBytes(head.subarray(0, bytesRead), path);
  } finally {
    await handle.close();
  }
  return fromFile(path);
}

/**
 * An image file (voice cover) as a Blob, after checking it exists.
 * @example const cover = await imageFile("cover.png");
 */
export async function imageFile(path: string): Promise<Blob> {
  await mustBeFile(path, "image file");
  return fromFile(path);
}

async function mustBeFile(path: string, what: string): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") {
      throw new CliError(`${what} not found: ${path}`);
    }
    throw error;
  }
  if (!info.isFile()) throw new CliError(`${path} is not a file (expected an ${what})`);
}

/**
 * Rejects empty input and input that is plainly text (no audio format is all printable
 * characters in its first bytes); anything else goes to the server, which knows more formats.
 */
export function checkAudioBytes(head: Uint8Array, name: string): void {
  if (head.length === 0) throw new CliError(`${name} is empty, expected audio`);
  if (looksLikeText(head)) {
    throw new CliError(
      `${basename(name)} does not look like audio (it reads as text): give a wav, mp3, ogg, flac or m4a file`,
    );
  }
}

function looksLikeText(head: Uint8Array): boolean {
  for (const byte of head) {
    const printable = byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127);
    if (!printable && byte < 128) return false;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(
      head.subarray(0, Math.max(0, head.length - 4)),
    );
    return true;
  } catch {
    return false;
  }
}
