/** Loads the SDK lazily, so suites that do not need it run even while it is being written. */
import type { Endpoint } from "./wire.js";

// The SDK's types are not imported here on purpose: the bench must keep running (and report the
// SDK rows as "not measured") while the SDK is still incomplete.
export interface SdkAudioStream extends AsyncIterable<Uint8Array> {
  collect(): Promise<Uint8Array>;
}
export interface SdkClient {
  tts: {
    convert(request: Record<string, unknown>): Promise<SdkAudioStream>;
    streamWebsocket(
      text: Iterable<unknown> | AsyncIterable<unknown>,
      options: Record<string, unknown>,
    ): SdkAudioStream;
  };
  voices: { get(id: string): Promise<{ id: string }> };
}

/** A `FishAudio` client for the bench server (no retries: a failure must show). */
export async function sdkClient(ep: Endpoint): Promise<SdkClient> {
  const mod = (await import("fishaudio")) as Record<string, unknown>;
  const FishAudio = mod.FishAudio as (new (o: Record<string, unknown>) => SdkClient) | undefined;
  if (typeof FishAudio !== "function") throw new Error("fishaudio does not export FishAudio yet");
  return new FishAudio({ apiKey: ep.apiKey, baseUrl: ep.url, maxRetries: 0 });
}
