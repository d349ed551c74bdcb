/**
 * Run as a script by flite-child.test.ts: starts a flite child, hands it a long sentence and exits
 * while the child is still synthesising it (what `fishaudio tts --local … | head -c 1000` does).
 */
import { FliteEngine } from "../../../src/engines/speech/flite-engine.js";
import { VOICES } from "../../../src/engines/speech/voices.js";

const flite = new FliteEngine({ processes: 1 });
await flite.pool.warm();
const text =
  "This long sentence keeps the flite child busy for a while after its parent has gone, ".repeat(6);
flite.speak(text, VOICES[0]!, {});
setTimeout(() => process.exit(0), 30);
