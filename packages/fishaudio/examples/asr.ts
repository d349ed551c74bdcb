// Speech to text with segment timings.
// Run: FISH_API_KEY=… npx tsx examples/asr.ts recording.wav
import { readFile } from "node:fs/promises";
import { FishAudio } from "fishaudio";

const path = process.argv[2] ?? "recording.wav";
const client = new FishAudio();

const result = await client.asr.transcribe({
  audio: new Uint8Array(await readFile(path)),
  language: "en", // a hint; detection runs anyway
  includeTimestamps: true,
});

console.log(result.text);
for (const segment of result.segments) {
  console.log(`[${segment.start.toFixed(2)}–${segment.end.toFixed(2)}] ${segment.text}`);
}
