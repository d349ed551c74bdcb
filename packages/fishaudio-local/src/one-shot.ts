/**
 * What a one-shot command (`fishaudio tts --local …`) can start before it loads the server: the
 * flite worker thread and LAME's compilation run while the rest of the server's modules load,
 * instead of after the request arrives. The server adopts both; nothing here answers a request.
 * Kept apart from the package's main entry so that importing it loads only these few modules.
 */
import { precompileMp3 } from "./engines/codecs/mp3-encoder.js";
import { startFliteThreadEarly } from "./engines/speech/flite-engine.js";

/** What the coming request is expected to need. */
export interface OneShotNeeds {
  /** A flite voice (the default voice is one). */
  flite?: boolean;
  /** mp3 output (the default format). */
  mp3?: boolean;
}

/**
 * Starts, in the background, what `needs` names; the next `startServer({ warmEngines: false })`
 * of this process uses it. Failures surface later, where the server would have started it.
 * @example prepareOneShot({ flite: true, mp3: true }); const { startServer } = await import("fishaudio-local");
 */
export function prepareOneShot(needs: OneShotNeeds): void {
  if (needs.flite) startFliteThreadEarly();
  if (needs.mp3) precompileMp3().catch(() => undefined);
}
