// Text to speech over HTTP: stream the audio to a file as it arrives.
// Run: FISH_API_KEY=… npx tsx examples/tts-convert.ts "Hello from Fish Audio!" out.mp3
import { createWriteStream } from "node:fs";
import { FishAudio } from "fishaudio";

const text = process.argv[2] ?? "Hello from Fish Audio!";
const path = process.argv[3] ?? "out.mp3";

const client = new FishAudio(); // FISH_API_KEY and FISH_BASE_URL from the environment

const audio = await client.tts.convert({
  text,
  format: "mp3",
  config: { latency: "balanced", prosody: { volume: 0 } },
  speed: 1.1,
});

const out = createWriteStream(path);
let bytes = 0;
for await (const chunk of audio) {
  out.write(chunk);
  bytes += chunk.byteLength;
}
out.end();
console.log(`wrote ${bytes} bytes to ${path}`);
