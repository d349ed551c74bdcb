import type { Engines, PcmChunk } from "../engines/types.js";
import { detectLanguage, splitSpeakers } from "./text.js";
import type { SpeakerPlan } from "./voice-plan.js";

/**
 * Speaks `text` with the planned speakers (turn by turn for `<|speaker:N|>` dialogue), yielding
 * PCM as the engines produce it. Stops quietly when `signal` aborts.
 * @example for await (const pcm of speak(engines, speakers, "Hello.", signal)) encoder.write(pcm);
 */
export async function* speak(
  engines: Engines,
  speakers: SpeakerPlan[],
  text: string,
  signal: AbortSignal,
): AsyncGenerator<PcmChunk> {
  const turns = speakers.length > 1 ? splitSpeakers(text) : [{ speaker: 0, text }];
  for (const turn of turns) {
    if (signal.aborted) return;
    const plan = speakers[turn.speaker % speakers.length]!;
    let settings = plan.settings;
    if (plan.autoLanguage) {
      settings = {
        ...settings,
        engineVoiceId: engines.voiceForLanguage(detectLanguage(turn.text)).id,
      };
    }
    const spoken = speakers.length > 1 ? turn.text : turn.text.replace(/<\|speaker:\d+\|>/g, " ");
    for await (const chunk of engines.synthesize(spoken, { voice: settings, signal })) {
      if (signal.aborted) return;
      yield chunk;
    }
  }
}
