// Realtime text to speech: feed text as it is produced (e.g. by an LLM) and play audio as it
// comes back. Node 20 needs the `ws` package installed; Node 22+, Bun and Deno do not.
// Run: FISH_API_KEY=… npx tsx examples/tts-websocket.ts out.mp3
import { writeFile } from "node:fs/promises";
import { FishAudio, type FlushEvent } from "fishaudio";

const path = process.argv[2] ?? "live.mp3";
const client = new FishAudio();

async function* tokens(): AsyncGenerator<string | FlushEvent> {
  for (const word of "Streaming text goes in, and audio comes out while you type.".split(" ")) {
    yield `${word} `;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  yield { event: "flush" }; // synthesise what is buffered now
}

const live = client.tts.streamWebsocket(tokens(), { format: "mp3", latency: "balanced" });
const chunks: Uint8Array[] = [];
for await (const chunk of live) {
  chunks.push(chunk);
  console.log(`audio chunk: ${chunk.byteLength} bytes`);
}
await writeFile(path, chunks);
console.log(`wrote ${path}`);
