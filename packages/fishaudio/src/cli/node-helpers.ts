/**
 * TEMPORARY bridge to the Node helpers (src/node), which are being written in parallel: this
 * keeps the shared build green until `fromFile` and `stream` exist; then the CLI imports them
 * directly and this file goes away.
 */
import * as helpers from "../node/index.js";
import { CliError, ExitCode } from "./errors.js";

interface Helpers {
  fromFile(path: string): Blob | Promise<Blob>;
  stream(audio: AsyncIterable<Uint8Array>): Promise<void>;
}

function helper<K extends keyof Helpers>(name: K): Helpers[K] {
  const found = (helpers as unknown as Partial<Helpers>)[name];
  if (typeof found !== "function") {
    throw new CliError(`this build has no ${name}() helper yet`, ExitCode.failure);
  }
  return found as Helpers[K];
}

/** Reads a file as a Blob (`fromFile` from fishaudio/node). */
export async function fromFile(path: string): Promise<Blob> {
  return helper("fromFile")(path);
}

/** Plays audio while it arrives (`stream` from fishaudio/node). */
export function stream(audio: AsyncIterable<Uint8Array>): Promise<void> {
  return helper("stream")(audio);
}
