// Browse voices: one page, then every voice of yours across pages.
// Run: FISH_API_KEY=… npx tsx examples/voices.ts
import { FishAudio, NotFoundError } from "fishaudio";

const client = new FishAudio();

const page = await client.voices.list({ pageSize: 5, sortBy: "task_count", language: "en" });
console.log(`${page.total} English voices; the top ${page.items.length}:`);
for (const voice of page.items)
  console.log(`  ${voice.id}  ${voice.title} (${voice.taskCount} uses)`);

let mine = 0;
for await (const voice of client.voices.list({ selfOnly: true, pageSize: 50 })) {
  console.log(`mine: ${voice.id} ${voice.title} [${voice.state}]`);
  mine++;
}
console.log(`you own ${mine} voices`);

try {
  await client.voices.get("no-such-voice");
} catch (error) {
  if (error instanceof NotFoundError) console.log(`as expected: ${error.message}`);
  else throw error;
}
