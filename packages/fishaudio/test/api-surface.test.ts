// The usage shown in sdk-api.md, compiled by the typecheck and run against a fake fetch, so
// that the documented names and shapes cannot drift from the code.
import assert from "node:assert/strict";
import { it } from "node:test";
import {
  type ASRResponse,
  type AudioFormat,
  type AudioStream,
  type Credits,
  FishAudio,
  type FlushEvent,
  type Model,
  type Package,
  type PaginatedResponse,
  type Prosody,
  type ReferenceAudio,
  type RequestOptions,
  type TextEvent,
  type TTSConfig,
  type Voice,
} from "fishaudio";
import { fakeFetch, json } from "./helpers.js";

const voice = { _id: "v1", title: "V", author: { _id: "u" } };

it("runs the sdk-api.md examples end to end", async () => {
  const { fetch, calls } = fakeFetch((call) => {
    const path = `${call.init.method} ${call.url.pathname}`;
    if (path === "POST /v1/tts") return new Response(new Uint8Array([1, 2, 3]));
    if (path === "GET /model") {
      const page = Number(call.url.searchParams.get("page_number"));
      return json({ total: 2, items: page <= 2 ? [{ ...voice, _id: `v${page}` }] : [] });
    }
    if (path === "POST /model") return json(voice, { status: 201 });
    if (path.startsWith("GET /model/")) return json(voice);
    if (path.startsWith("PATCH") || path.startsWith("DELETE"))
      return new Response(null, { status: 200 });
    if (path === "GET /wallet/self/api-credit") return json({ _id: "c", user_id: "u", credit: 5 });
    if (path === "GET /wallet/self/package") return json({ user_id: "u", total: 1, balance: 1 });
    if (path === "POST /v1/asr") return json({ text: "hi", duration: 1, segments: [] });
    return json({ status: 404, message: path }, { status: 404 });
  });
  const client = new FishAudio({
    apiKey: "key",
    baseUrl: "http://127.0.0.1:1",
    timeout: 10_000,
    maxRetries: 0,
    fetch,
    defaultHeaders: { "X-App": "test" },
  });

  const prosody: Prosody = { speed: 1.1, volume: 2 };
  const reference: ReferenceAudio = { audio: new Uint8Array([0]), text: "ref" };
  const config: TTSConfig = { format: "wav", prosody, references: [reference], topP: 0.5 };
  const model: Model = "s2-pro";
  const format: AudioFormat = "mp3";
  const options: RequestOptions = { timeout: 5_000, maxRetries: 1, headers: { "X-Req": "1" } };
  const audio: AudioStream = await client.tts.convert(
    { text: "Hello", config, model, referenceId: "v1", format, latency: "low", speed: 1 },
    options,
  );
  const chunks: Uint8Array[] = [];
  for await (const chunk of audio) chunks.push(chunk);
  assert.deepEqual(
    chunks.map((c) => [...c]),
    [[1, 2, 3]],
  );
  const bytes: Uint8Array = await (await client.tts.convert({ text: "Hello" })).collect();
  assert.equal(bytes.length, 3);

  const events: (string | TextEvent | FlushEvent)[] = [
    "a",
    { event: "text", text: "b" },
    { event: "flush" },
  ];
  const live: AudioStream = client.tts.streamWebsocket(events, { config, model, speed: 1.2 });
  assert.equal(typeof live.collect, "function");

  const page: PaginatedResponse<Voice> = await client.voices.list({
    pageSize: 1,
    pageNumber: 1,
    title: "x",
    tags: ["a"],
    selfOnly: false,
    authorId: "u",
    language: "en",
    titleLanguage: "en",
    sortBy: "task_count",
  });
  assert.equal(page.total, 2);
  const all: string[] = [];
  for await (const v of client.voices.list({ pageSize: 1 })) all.push(v.id);
  assert.deepEqual(all, ["v1", "v2"]);

  const got: Voice = await client.voices.get("v1", options);
  const created: Voice = await client.voices.create({
    title: "t",
    voices: [new Uint8Array([1])],
    description: "d",
    texts: ["x"],
    tags: ["y"],
    coverImage: new Blob(["i"]),
    visibility: "private",
    trainMode: "fast",
    enhanceAudioQuality: true,
  });
  await client.voices.update(got.id, {
    title: "n",
    description: "d",
    visibility: "public",
    tags: [],
  });
  await client.voices.delete(created.id);

  const credits: Credits = await client.account.getCredits();
  assert.equal(credits.credit, "5");
  const pkg: Package = await client.account.getPackage();
  assert.equal(pkg.balance, 1);
  const result: ASRResponse = await client.asr.transcribe({
    audio: new Uint8Array([1]),
    language: "en",
    includeTimestamps: true,
  });
  assert.equal(result.text, "hi");

  assert.ok(calls.every((c) => c.headers.get("x-app") === "test"));
  assert.equal(calls[0]?.headers.get("x-req"), "1");
});
