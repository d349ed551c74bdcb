// Clone a voice from a recording, speak with it, then tidy up.
// Run: FISH_API_KEY=… npx tsx examples/clone-voice.ts sample.wav "Transcript of the sample."
import { FishAudio } from "fishaudio";
import { fromFile } from "fishaudio/node";

const [samplePath = "sample.wav", transcript] = process.argv.slice(2);
const client = new FishAudio();

const voice = await client.voices.create({
  title: "My cloned voice",
  voices: [await fromFile(samplePath)],
  texts: transcript ? [transcript] : undefined,
  tags: ["example"],
  visibility: "private",
});
console.log(`created ${voice.id} (${voice.state})`);

await client.voices.update(voice.id, { description: "Made by examples/clone-voice.ts" });

const audio = await client.tts.convert({ text: "This is my cloned voice.", referenceId: voice.id });
console.log(`synthesised ${(await audio.collect()).byteLength} bytes with it`);

await client.voices.delete(voice.id);
console.log("deleted it again");
