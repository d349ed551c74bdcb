// Speech with word timestamps, subtitles, a dialogue and cues.
// Run: FISH_API_KEY=… npx tsx examples/tts-timestamps.ts "Hello there. Nice to meet you." out.mp3
// (with fishaudio-local, voices such as flite-rms and flite-slt exist for the dialogue)
import { writeFile } from "node:fs/promises";
import { FishAudio, toSrt, toVtt, wordsToCues } from "fishaudio";

const text = process.argv[2] ?? "[happy] Hello there. [pause] Nice to meet you.";
const path = process.argv[3] ?? "out.mp3";
const client = new FishAudio(); // FISH_API_KEY and FISH_BASE_URL from the environment

// Events as they arrive: audio bytes, and the words known so far.
const stream = await client.tts.convertWithTimestamps({ text, format: "mp3" });
const parts: Uint8Array[] = [];
for await (const event of stream) {
  parts.push(event.audio);
  if (event.alignment) console.log(`chunk ${event.chunkSeq}: ${stream.words.length} words timed`);
}
await writeFile(path, Buffer.concat(parts));
for (const word of stream.words) {
  console.log(`${word.start.toFixed(2)}–${word.end.toFixed(2)} s  ${word.text}`);
}

// Subtitles beside the audio.
const cues = wordsToCues(stream.words);
await writeFile(path.replace(/\.\w+$/, ".srt"), toSrt(cues));
await writeFile(path.replace(/\.\w+$/, ".vtt"), toVtt(cues));

// A dialogue: one voice per speaker, one marker per turn.
const voices = (process.env.DIALOGUE_VOICES ?? "flite-rms,flite-slt").split(",");
const { audio, words } = await (
  await client.tts.convertWithTimestamps({
    text: "<|speaker:0|>Good morning!<|speaker:1|>[whispering] Morning. Keep it down.",
    referenceId: voices,
    format: "mp3",
  })
).collect();
await writeFile(path.replace(/\.\w+$/, ".dialogue.mp3"), audio);
console.log(`dialogue: ${words.map((w) => w.text).join(" ")}`);
