import type { FishAudio } from "../client.js";

/** Base of the resource namespaces (`client.tts`, `client.voices`, …): holds the client. */
export abstract class APIResource {
  protected readonly _client: FishAudio;
  constructor(client: FishAudio) {
    this._client = client;
  }
}
