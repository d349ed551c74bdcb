/**
 * The compatibility protocols' entries of the route table, each called over real HTTP (the SDK
 * tests beside this one reach them through the vendors' clients), and the table's own refusals
 * (404, 405, 426, a malformed path escape) answered in each protocol's error shape. Fake engines.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { tone, wavFile } from "../helpers/fake-engines.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const SPEECH = JSON.stringify({ model: "tts-1", input: "Hello there.", response_format: "pcm16" });
const TTS = JSON.stringify({ text: "Hello there." });

function upload(field = "file"): FormData {
  const form = new FormData();
  form.append(field, new Blob([wavFile(tone(150, 1, 16000))], { type: "audio/wav" }), "a.wav");
  return form;
}

/** Each entry: method, path, body, and what its answer must be. */
// biome-ignore format: one line per entry reads as a table
const ENTRIES: [string, string, "openai" | "elevenlabs", (() => string | FormData) | undefined, string][] = [
  ["GET", "/compat/v1/models", "openai", undefined, "application/json"],
  ["POST", "/compat/v1/audio/speech", "openai", () => SPEECH, "audio/pcm"],
  ["POST", "/compat/v1/audio/transcriptions", "openai", () => withModel(upload()), "application/json"],
  ["GET", "/compat/api/v1/models", "openai", undefined, "application/json"],
  ["POST", "/compat/api/v1/audio/speech", "openai", () => SPEECH, "audio/pcm"],
  ["POST", "/compat/api/v1/audio/transcriptions", "openai", () => withModel(upload()), "application/json"],
  ["GET", "/compat/openai/v1/models", "openai", undefined, "application/json"],
  ["POST", "/compat/openai/v1/audio/speech", "openai", () => SPEECH, "audio/pcm"],
  ["POST", "/compat/openai/v1/audio/transcriptions", "openai", () => withModel(upload()), "application/json"],
  ["POST", "/compat/elevenlabs/v1/text-to-speech/default", "elevenlabs", () => TTS, "audio/mpeg"],
  ["POST", "/compat/elevenlabs/v1/text-to-speech/default/stream", "elevenlabs", () => TTS, "audio/mpeg"],
  ["POST", "/compat/elevenlabs/v1/text-to-speech/default/with-timestamps", "elevenlabs", () => TTS, "application/json"],
  ["POST", "/compat/elevenlabs/v1/text-to-speech/default/stream/with-timestamps", "elevenlabs", () => TTS, "application/x-ndjson"],
  ["POST", "/compat/elevenlabs/v1/speech-to-text", "elevenlabs", () => withModel(upload(), "scribe_v1"), "application/json"],
  ["GET", "/compat/elevenlabs/v1/voices", "elevenlabs", undefined, "application/json"],
  ["GET", "/compat/elevenlabs/v1/voices/fake-low", "elevenlabs", undefined, "application/json"],
  ["GET", "/compat/elevenlabs/v2/voices", "elevenlabs", undefined, "application/json"],
  ["GET", "/compat/elevenlabs/v1/models", "elevenlabs", undefined, "application/json"],
];

function withModel(form: FormData, model = "whisper-1"): FormData {
  form.append(model === "whisper-1" ? "model" : "model_id", model);
  return form;
}

function headersFor(protocol: "openai" | "elevenlabs", key: string, body: unknown) {
  const headers: Record<string, string> =
    protocol === "openai" ? { authorization: `Bearer ${key}` } : { "xi-api-key": key };
  if (typeof body === "string") headers["content-type"] = "application/json";
  return headers;
}

/** OpenAI's envelope from this layer: `{error: {code, message, type}}`, no provider metadata. */
async function openAiError(res: Response, status: number, type: string): Promise<string> {
  assert.equal(res.status, status);
  const body = (await res.json()) as { error: Record<string, unknown> };
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.equal(body.error.code, status);
  assert.equal(body.error.type, type);
  assert.equal(body.error.metadata, undefined);
  return String(body.error.message);
}

/** ElevenLabs' envelope: `{detail: {status, message}}`. */
async function elevenLabsError(res: Response, status: number, kind: string): Promise<string> {
  assert.equal(res.status, status);
  const body = (await res.json()) as { detail: Record<string, unknown> };
  assert.deepEqual(Object.keys(body), ["detail"]);
  assert.equal(body.detail.status, kind);
  return String(body.detail.message);
}

describe("compatibility routes in the route table", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  for (const [method, path, protocol, body, type] of ENTRIES) {
    it(`${method} ${path} is answered by its protocol`, async () => {
      const payload = body?.();
      const res = await fetch(`${t.server.url}${path}`, {
        method,
        headers: headersFor(protocol, t.server.apiKey, payload),
        body: payload,
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.equal(res.status, 200, bytes.toString().slice(0, 300));
      assert.equal(res.headers.get("content-type")?.split(";")[0], type);
      assert.ok(bytes.length > 0);
    });
  }

  it("the stream-input WebSocket answers its init with audio", async () => {
    const url = `${t.server.url.replace(/^http/, "ws")}${"/compat/elevenlabs/v1/text-to-speech/default/stream-input"}?output_format=pcm_16000`;
    const ws = new WebSocket(url, { headers: { "xi-api-key": t.server.apiKey } });
    const frames: Record<string, unknown>[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on("open", () => {
        for (const text of [" ", "Hi.", ""]) ws.send(JSON.stringify({ text }));
      });
      ws.on("message", (data: Buffer) => frames.push(JSON.parse(data.toString())));
      ws.on("close", () => resolve());
      ws.on("error", reject);
    });
    assert.ok(frames.some((f) => typeof f.audio === "string"));
    assert.deepEqual(frames.at(-1), { isFinal: true });
  });

  it("a path no entry has is a 404 in the protocol's shape, saying where to look", async () => {
    const key = { authorization: `Bearer ${t.server.apiKey}` };
    for (const base of ["/compat/v1", "/compat/api/v1", "/compat/openai/v1"]) {
      const res = await fetch(`${t.server.url}${base}/audio/translations`, {
        method: "POST",
        headers: key,
      });
      assert.match(await openAiError(res, 404, "not_found_error"), /\/audio\/speech/);
    }
    const stray = await fetch(`${t.server.url}/compat/v9/anything`, { headers: key });
    assert.match(await openAiError(stray, 404, "not_found_error"), /\/compat\/elevenlabs/);
    const el = await fetch(`${t.server.url}/compat/elevenlabs/v1/sound-generation`, {
      method: "POST",
      headers: { "xi-api-key": t.server.apiKey },
    });
    assert.match(await elevenLabsError(el, 404, "not_found"), /text-to-speech/);
  });

  it("a method the entry doesn't take is a 405 with Allow, in the protocol's shape", async () => {
    const res = await fetch(`${t.server.url}/compat/v1/audio/speech`, { method: "GET" });
    assert.equal(res.headers.get("allow"), "POST");
    assert.match(await openAiError(res, 405, "invalid_request_error"), /POST/);
    const models = await fetch(`${t.server.url}/compat/v1/models`, { method: "DELETE" });
    assert.equal(models.headers.get("allow"), "GET");
    await openAiError(models, 405, "invalid_request_error");
    const el = await fetch(`${t.server.url}/compat/elevenlabs/v1/voices`, { method: "POST" });
    assert.equal(el.headers.get("allow"), "GET");
    assert.match(await elevenLabsError(el, 405, "invalid_request"), /GET/);
  });

  it("plain HTTP on stream-input is a 426; a malformed escape a 400; both ElevenLabs-shaped", async () => {
    const plain = await fetch(
      `${t.server.url}/compat/elevenlabs/v1/text-to-speech/default/stream-input`,
    );
    assert.equal(plain.headers.get("upgrade"), "websocket");
    await elevenLabsError(plain, 426, "invalid_request");
    const malformed = await fetch(`${t.server.url}/compat/elevenlabs/v1/voices/%zz`, {
      headers: { "xi-api-key": t.server.apiKey },
    });
    assert.match(await elevenLabsError(malformed, 400, "invalid_request"), /percent-encoding/);
  });

  it("a WebSocket to a path no entry has is refused with the protocol's 404", async () => {
    const status = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const ws = new WebSocket(`${t.server.url.replace(/^http/, "ws")}/compat/elevenlabs/v1/nope`);
      ws.on("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => resolve({ code: res.statusCode ?? 0, body }));
      });
      ws.on("open", () => reject(new Error("upgraded")));
      ws.on("error", () => undefined);
    });
    assert.equal(status.code, 404);
    assert.equal(
      (JSON.parse(status.body) as { detail: { status: string } }).detail.status,
      "not_found",
    );
  });
});
