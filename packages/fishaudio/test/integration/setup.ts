/**
 * The SDK's integration tests run against the real local server (fishaudio-local with its real
 * speech engines) on 127.0.0.1. This file starts one and gives a client for it.
 */
import { type LocalServer, type StartServerOptions, startServer } from "fishaudio-local";
import { FishAudio } from "../../src/index.js";

export interface Integration {
  server: LocalServer;
  client: FishAudio;
  /** A client for another key (another user, or another key of the owner). */
  clientFor(apiKey: string, options?: { maxRetries?: number }): FishAudio;
}

export async function startIntegration(options: StartServerOptions = {}): Promise<Integration> {
  const server = await startServer({ host: "127.0.0.1", port: 0, ...options });
  const clientFor = (apiKey: string, extra: { maxRetries?: number } = {}) =>
    new FishAudio({ apiKey, baseUrl: server.url, maxRetries: extra.maxRetries ?? 0 });
  return { server, client: clientFor(server.apiKey), clientFor };
}

/** Lower-case words without punctuation. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, " ")
    .split(/\s+/)
    .filter((w) => w !== "");
}

/**
 * Word error rate: word-level edit distance between `reference` and `hypothesis`, divided by
 * the number of reference words.
 */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const ref = words(reference);
  const hyp = words(hypothesis);
  let previous = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const current = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const substitution = previous[j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, previous[j]! + 1, current[j - 1]! + 1));
    }
    previous = current;
  }
  return previous[hyp.length]! / Math.max(1, ref.length);
}

/** Concatenates chunks. */
export function concat(chunks: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}
