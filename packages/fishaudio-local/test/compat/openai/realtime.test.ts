/**
 * The OpenAI Realtime speech subset, driven by the `openai` package's own socket client
 * (`OpenAIRealtimeWS`), unchanged but for its base URL, key and the certificate it trusts.
 *
 * That client always dials `wss://` (it rewrites the scheme of the base URL), and the local
 * server speaks plain HTTP. Rather than hand the client a plaintext `createConnection` (which
 * would replace the transport it uses against the cloud), the tests put a real TLS hop in front
 * of the server (helpers/tls-hop.ts: a byte-for-byte forwarder with a self-signed certificate
 * from fixtures/) and pass the certificate through the client's own `options.ca`. The client
 * then runs exactly its production path: URL building, TLS, headers, event parsing.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { type LocalServer, startServer } from "fishaudio-local";
import OpenAI from "openai";
import { OpenAIRealtimeWS as BetaRealtimeWS } from "openai/beta/realtime/ws";
import { OpenAIRealtimeWS } from "openai/realtime/ws";
import WebSocket from "ws";
import { tone } from "../../helpers/fake-engines.js";
import { startTestServer, type TestServer } from "../../helpers/server.js";
import { startTlsHop, type TlsHop } from "../../helpers/tls-hop.js";

// biome-ignore lint/suspicious/noExplicitAny: events are read loosely, field by field, in assertions
type Obj = Record<string, any>;

/** What a Session needs of a client: its events, its errors, send and close. */
interface Client {
  onEvent(listener: (event: Obj) => void): void;
  onError(listener: (error: Obj) => void): void;
  send(event: Obj): void;
  close(): void;
}

/** The `openai` package's socket client (GA or beta module) as a {@link Client}. */
function sdk(rt: OpenAIRealtimeWS | BetaRealtimeWS): Client {
  return {
    onEvent: (f) => void (rt as OpenAIRealtimeWS).on("event", (e) => f(e as Obj)),
    onError: (f) => void (rt as OpenAIRealtimeWS).on("error", (e) => f(e as unknown as Obj)),
    send: (e) => rt.send(e as never),
    close: () => rt.close(),
  };
}

/** A Realtime client and every event it has received, in order. */
class Session {
  readonly events: Obj[] = [];
  readonly sdkErrors: Obj[] = [];
  private waiters: (() => void)[] = [];
  constructor(readonly rt: Client) {
    rt.onEvent((event) => {
      this.events.push(event);
      for (const wake of this.waiters.splice(0)) wake();
    });
    // The client turns error events into OpenAIRealtimeError objects with the event's `error`.
    rt.onError((error) => this.sdkErrors.push(error));
  }

  send(event: Obj): void {
    this.rt.send(event);
  }

  /** The first event from index `from` on that matches (waits for it; a hang guard, no timing). */
  async next(match: (e: Obj) => boolean, from = 0): Promise<Obj> {
    const guard = Date.now() + 30_000;
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found) return found;
      if (Date.now() > guard) {
        throw new Error(`no matching event; got ${this.events.map((e) => e.type).join(", ")}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 1000).unref();
      });
    }
  }

  type(type: string, from = 0): Promise<Obj> {
    return this.next((e) => e.type === type, from);
  }

  /** The error event that answers the client event with `eventId`. */
  errorFor(eventId: string): Promise<Obj> {
    return this.next((e) => e.type === "error" && e.error?.event_id === eventId);
  }
}

function audioOf(events: Obj[], responseId?: string): Buffer {
  return Buffer.concat(
    events
      .filter((e) => e.type === "response.output_audio.delta")
      .filter((e) => responseId === undefined || e.response_id === responseId)
      .map((e) => Buffer.from(e.delta as string, "base64")),
  );
}

function say(text: string): Obj {
  return {
    type: "conversation.item.create",
    item: { type: "message", role: "user", content: [{ type: "input_text", text }] },
  };
}

/** Refusals are OpenAI's error event: `{type: "error", event_id, error: {type, code, message, param, event_id}}`. */
function assertRefusal(event: Obj, code: string, mentions: RegExp): void {
  assert.equal(event.type, "error");
  assert.match(String(event.event_id), /^event_/);
  assert.equal(event.error.type, "invalid_request_error");
  assert.equal(event.error.code, code);
  assert.match(String(event.error.message), mentions);
}

describe("OpenAI Realtime with the real engines", () => {
  let server: LocalServer;
  let hop: TlsHop;
  before(async () => {
    server = await startServer();
    hop = await startTlsHop(server.url);
  });
  after(async () => {
    await hop.close();
    await server.close();
  });

  it("the docs' example (openai/beta/realtime/ws): speech as output_audio deltas that transcribe back over the same socket, both charged", async () => {
    const client = new OpenAI({ baseURL: `${hop.url}/compat/v1`, apiKey: server.apiKey });
    const rt = new BetaRealtimeWS(
      { model: "fish-audio/s2.1-pro", options: { ca: hop.ca } },
      client,
    );
    const s = new Session(sdk(rt));
    const before = server.usage().length;
    const created = await s.type("session.created");
    assert.equal(created.session.object, "realtime.session");
    assert.equal(created.session.audio.input.turn_detection, null);
    assert.deepEqual(created.session.audio.output.format, { type: "audio/pcm", rate: 24000 });
    s.send({ type: "session.update", session: { audio: { output: { voice: "flite-rms" } } } });
    await s.type("session.updated");
    s.send(say("Good morning. We will go for a walk."));
    s.send({ type: "response.create" });
    const done = await s.type("response.done");
    assert.equal(done.response.status, "completed");
    const pcm = audioOf(s.events, done.response.id);
    // 24 kHz 16-bit mono: well over a second of speech.
    assert.ok(pcm.length > 24000 * 2, `${pcm.length} bytes of audio`);
    assert.equal(
      done.response.output[0].content[0].transcript,
      "Good morning. We will go for a walk.",
    );

    // The same socket transcribes: the speech goes back in as input audio (24 kHz PCM).
    const mark = s.events.length;
    for (let at = 0; at < pcm.length; at += 64 * 1024) {
      s.send({
        type: "input_audio_buffer.append",
        audio: pcm.subarray(at, at + 64 * 1024).toString("base64"),
      });
    }
    s.send({ type: "input_audio_buffer.commit" });
    const committed = await s.type("input_audio_buffer.committed", mark);
    const heard = await s.type("conversation.item.input_audio_transcription.completed", mark);
    assert.equal(heard.item_id, committed.item_id);
    assert.match(heard.transcript.toLowerCase(), /morning|walk/);
    rt.close();

    const usage = server.usage().slice(before);
    assert.deepEqual(
      usage.map((u) => u.kind),
      ["tts-live", "asr"],
    );
    assert.equal(usage[0]!.units, Buffer.byteLength("Good morning. We will go for a walk."));
  });
});

describe("OpenAI Realtime protocol (openai/realtime/ws, fake engines)", () => {
  let t: TestServer;
  let hop: TlsHop;
  let client: OpenAI;
  const open = (model = "fish-audio/s2.1-pro", c = client) =>
    new Session(sdk(new OpenAIRealtimeWS({ model, options: { ca: hop.ca } }, c)));

  before(async () => {
    t = await startTestServer();
    hop = await startTlsHop(t.server.url);
    client = new OpenAI({ baseURL: `${hop.url}/compat/v1`, apiKey: t.server.apiKey });
  });
  after(async () => {
    await hop.close();
    await t.close();
  });

  it("a response: the GA event sequence, one item's audio and transcript, charged once", async () => {
    const s = open();
    await s.type("session.created");
    const before = t.server.usage().length;
    s.send(say("Hello there. How are you?"));
    const added = await s.type("conversation.item.added");
    assert.equal(added.item.role, "user");
    s.send({ type: "response.create" });
    const done = await s.type("response.done");
    const types = s.events.map((e) => e.type);
    const sequence = types.filter((x) => x.startsWith("response.") && !x.endsWith(".delta"));
    assert.deepEqual(sequence, [
      "response.created",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_audio.done",
      "response.output_audio_transcript.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.done",
    ]);
    const deltas = s.events.filter((e) => e.type === "response.output_audio.delta");
    for (const d of deltas) {
      assert.equal(d.response_id, done.response.id);
      assert.equal(d.item_id, done.response.output[0].id);
    }
    // Fake engines: 0.1 s of 16 kHz tone a word, written as it comes: 5 words.
    assert.equal(audioOf(s.events).length, 5 * 1600 * 2);
    assert.deepEqual(t.engines.encoders.at(-1), {
      ...t.engines.encoders.at(-1),
      format: "pcm",
      sampleRate: 24000,
    });
    const transcript = s.events
      .filter((e) => e.type === "response.output_audio_transcript.delta")
      .map((e) => e.delta)
      .join("");
    assert.equal(transcript, "Hello there. How are you?");
    const usage = t.server.usage().slice(before);
    assert.equal(usage.length, 1);
    assert.equal(usage[0]!.kind, "tts-live");
    assert.equal(usage[0]!.model, "s2.1-pro");
    // The items were spoken: a second response has nothing left to say.
    s.send({ type: "response.create", event_id: "again" });
    assertRefusal(await s.errorFor("again"), "empty_response", /conversation.item.create/);
    s.rt.close();
  });

  it("formats in both spellings; a format without a rate resets to its own default; session.updated echoes input and output", async () => {
    const s = open();
    await s.type("session.created");
    const update = async (session: Obj) => {
      const from = s.events.length;
      s.send({ type: "session.update", session });
      return (await s.type("session.updated", from)).session;
    };
    let session = await update({
      audio: { output: { format: { type: "audio/mp3", rate: 32000 } } },
    });
    assert.deepEqual(session.audio.output.format, { type: "audio/mp3", rate: 32000 });
    assert.deepEqual(session.audio.input.format, { type: "audio/pcm", rate: 24000 });
    session = await update({ audio: { output: { format: { type: "audio/pcm" } } } });
    assert.deepEqual(session.audio.output.format, { type: "audio/pcm", rate: 24000 });
    session = await update({ output_audio_format: "wav" });
    assert.deepEqual(session.audio.output.format, { type: "audio/wav", rate: 44100 });
    session = await update({ audio: { output: { format: "opus" } } });
    assert.deepEqual(session.audio.output.format, { type: "audio/opus", rate: 48000 });
    session = await update({ voice: "fake-high", speed: 1.5 });
    assert.equal(session.audio.output.voice, "fake-high");
    assert.equal(session.audio.output.speed, 1.5);
    session = await update({ audio: { output: { format: { type: "audio/mp3" } } } });
    assert.deepEqual(session.audio.output.format, { type: "audio/mp3", rate: 44100 });

    s.send(say("One two three."));
    s.send({ type: "response.create" });
    await s.type("response.done");
    assert.equal(audioOf(s.events).toString("latin1", 0, 9), "FAKE-mp3:");
    const encoder = t.engines.encoders.at(-1)!;
    assert.equal(encoder.format, "mp3");
    assert.equal(encoder.sampleRate, 44100);
    const call = t.engines.calls.at(-1)!;
    assert.equal(call.options.voice.engineVoiceId, "fake-high");
    s.rt.close();
  });

  it("refused settings and events come back as error events, and leave the session as it was", async () => {
    const s = open();
    await s.type("session.created");
    const cases: [string, Obj, string, RegExp][] = [
      [
        "vad",
        {
          type: "session.update",
          session: { audio: { input: { turn_detection: { type: "server_vad" } } } },
        },
        "unsupported_turn_detection",
        /input_audio_buffer.commit/,
      ],
      [
        "semantic",
        { type: "session.update", session: { turn_detection: { type: "semantic_vad" } } },
        "unsupported_turn_detection",
        /semantic_vad/,
      ],
      [
        "pcmu",
        {
          type: "session.update",
          session: { audio: { output: { format: { type: "audio/pcmu" } } } },
        },
        "unsupported_audio_format",
        /audio\/pcmu/,
      ],
      [
        "pcma",
        {
          type: "session.update",
          session: { audio: { input: { format: { type: "audio/pcma" } } } },
        },
        "unsupported_audio_format",
        /audio\/pcma/,
      ],
      [
        "rate",
        {
          type: "session.update",
          session: { audio: { output: { format: { type: "audio/mp3", rate: 22050 } } } },
        },
        "unsupported_audio_format",
        /22050/,
      ],
      [
        "text-only",
        { type: "session.update", session: { output_modalities: ["text"] } },
        "unsupported_output_modalities",
        /audio/,
      ],
      [
        "fast",
        { type: "session.update", session: { audio: { output: { speed: 5 } } } },
        "invalid_speed",
        /0\.25 to 4\.0/,
      ],
      [
        "slow",
        { type: "session.update", session: { speed: 0.1 } },
        "invalid_speed",
        /0\.25 to 4\.0/,
      ],
      [
        "preset",
        { type: "session.update", session: { audio: { output: { voice: "nova" } } } },
        "invalid_voice",
        /nova/,
      ],
      [
        "unknown",
        { type: "output_audio_buffer.clear" },
        "unknown_event_type",
        /output_audio_buffer.clear/,
      ],
      ["empty", { type: "input_audio_buffer.commit" }, "input_audio_buffer_commit_empty", /append/],
      ["cancel", { type: "response.cancel" }, "response_cancel_not_active", /no response/],
      [
        "tool",
        { type: "conversation.item.create", item: { type: "function_call", name: "f" } },
        "unsupported_item_type",
        /function_call/,
      ],
      [
        "delete",
        { type: "conversation.item.delete", item_id: "item_missing" },
        "item_not_found",
        /item_missing/,
      ],
    ];
    for (const [eventId, event, code, mentions] of cases) {
      s.send({ ...event, event_id: eventId });
      const error = await s.errorFor(eventId);
      assertRefusal(error, code, mentions);
    }
    // The client surfaced each one as its own typed error, with the event's details.
    assert.equal(s.sdkErrors.length, cases.length);
    assert.equal(s.sdkErrors[0]!.error.code, "unsupported_turn_detection");
    assert.equal(s.sdkErrors[0]!.error.event_id, "vad");
    // Nothing refused was applied; truncate is accepted and answers nothing.
    const from = s.events.length;
    s.send({ type: "conversation.item.truncate", item_id: "x", content_index: 0, audio_end_ms: 0 });
    s.send({
      type: "session.update",
      session: { turn_detection: null, audio: { input: { turn_detection: "none" } } },
    });
    const { session } = await s.type("session.updated", from);
    assert.deepEqual(session.audio.output.format, { type: "audio/pcm", rate: 24000 });
    assert.equal(session.audio.output.speed, 1);
    assert.equal(session.audio.output.voice, "");
    assert.deepEqual(
      s.events.slice(from).map((e) => e.type),
      ["session.updated"],
    );
    s.rt.close();
  });

  it("one response at a time (response_already_active); response.cancel ends it as cancelled", async () => {
    let release!: () => void;
    t.engines.gate = new Promise((resolve) => {
      release = resolve;
    });
    try {
      const s = open();
      await s.type("session.created");
      s.send(say("First part|second part|third part."));
      s.send({ type: "response.create" });
      await s.type("response.output_audio.delta");
      s.send({ type: "response.create", event_id: "second" });
      assertRefusal(await s.errorFor("second"), "response_already_active", /response.cancel/);
      s.send({ type: "response.cancel" });
      // Events are handled in order: once this one is answered, the cancel has been heard.
      s.send({ type: "no.such.event", event_id: "sync" });
      await s.errorFor("sync");
      release();
      const done = await s.type("response.done");
      assert.equal(done.response.status, "cancelled");
      s.rt.close();
    } finally {
      release();
      t.engines.gate = undefined;
    }
  });

  it("items: deleted ones are not spoken; conversation_too_large past 1 MiB of text in one item", async () => {
    const s = open();
    await s.type("session.created");
    s.send({ ...say("Keep this."), event_id: "a" });
    const kept = await s.type("conversation.item.added");
    s.send(say("Drop this one please."));
    const dropped = await s.next(
      (e) => e.type === "conversation.item.added" && e.item.id !== kept.item.id,
    );
    s.send({ type: "conversation.item.delete", item_id: dropped.item.id });
    await s.type("conversation.item.deleted");
    s.send({ type: "response.create" });
    const done = await s.type("response.done");
    assert.equal(done.response.output[0].content[0].transcript, "Keep this.");
    assert.equal(audioOf(s.events).length, 2 * 1600 * 2);
    s.send({ ...say("x".repeat(1024 * 1024 + 1)), event_id: "big" });
    assertRefusal(await s.errorFor("big"), "conversation_too_large", /1 MiB/);
    s.rt.close();
  });

  it("a transcription session (?intent=transcription): committed audio comes back as a transcript, charged as ASR", async () => {
    const url = new URL(`${hop.url.replace("https", "wss")}/compat/v1/realtime`);
    url.searchParams.set("intent", "transcription");
    const ws = new WebSocket(url, {
      ca: hop.ca,
      headers: { authorization: `Bearer ${t.server.apiKey}` },
    });
    const s = new Session({
      onEvent: (f) => void ws.on("message", (d: Buffer) => f(JSON.parse(d.toString()))),
      onError: () => undefined,
      send: (e) => ws.send(JSON.stringify(e)),
      close: () => ws.close(),
    });
    const created = await s.type("transcription_session.created");
    assert.equal(created.session.object, "realtime.transcription_session");
    assert.equal(created.session.audio.input.transcription.model, "fish-audio/transcribe-1");
    const before = t.server.usage().length;
    const pcm = tone(200, 0.5, 24000).samples;
    s.send({
      type: "input_audio_buffer.append",
      audio: Buffer.from(pcm.buffer).toString("base64"),
    });
    s.send({ type: "input_audio_buffer.commit" });
    const heard = await s.type("conversation.item.input_audio_transcription.completed");
    assert.equal(heard.transcript, "fake transcript of 12000 samples");
    assert.deepEqual(heard.usage, { type: "duration", seconds: 1 });
    assert.equal(t.server.usage().slice(before)[0]!.kind, "asr");
    s.send({ type: "response.create", event_id: "speak" });
    assertRefusal(await s.errorFor("speak"), "invalid_session_type", /transcription session/);

    // A failed transcription keeps the audio: committing again retries it.
    t.engines.asrAvailable = false;
    try {
      s.send({
        type: "input_audio_buffer.append",
        audio: Buffer.from(pcm.buffer).toString("base64"),
      });
      s.send({ type: "input_audio_buffer.commit" });
      const failed = await s.type("conversation.item.input_audio_transcription.failed");
      assert.match(failed.error.message, /fake ASR switched off/);
    } finally {
      t.engines.asrAvailable = true;
    }
    const from = s.events.length;
    s.send({ type: "input_audio_buffer.commit" });
    const retried = await s.type("conversation.item.input_audio_transcription.completed", from);
    assert.equal(retried.transcript, "fake transcript of 12000 samples");
    ws.close();
  });

  it("transcription_session.update turns a session into a transcription session", async () => {
    const s = open();
    await s.type("session.created");
    s.send({
      type: "transcription_session.update",
      session: { audio: { input: { transcription: { model: "whisper-1", language: "en" } } } },
    });
    const updated = await s.type("transcription_session.updated");
    assert.equal(updated.session.object, "realtime.transcription_session");
    assert.deepEqual(updated.session.audio.input.transcription, {
      model: "fish-audio/transcribe-1",
      language: "en",
    });
    s.rt.close();
  });

  it("X-Fish-* headers at the handshake shape synthesis, and refuse transcription (unsupported_native_options)", async () => {
    const s = new Session(
      sdk(
        new OpenAIRealtimeWS(
          {
            model: "fish-audio/s2.1-pro",
            options: { ca: hop.ca, headers: { "X-Fish-Mp3-Bitrate": "64" } },
          },
          client,
        ),
      ),
    );
    await s.type("session.created");
    s.send({ type: "session.update", session: { audio: { output: { format: "mp3" } } } });
    await s.type("session.updated");
    s.send(say("Hi there."));
    s.send({ type: "response.create" });
    await s.type("response.done");
    assert.equal(t.engines.encoders.at(-1)!.mp3Bitrate, 64);
    s.send({ type: "input_audio_buffer.append", audio: Buffer.alloc(4800).toString("base64") });
    s.send({ type: "input_audio_buffer.commit", event_id: "stt" });
    assertRefusal(await s.errorFor("stt"), "unsupported_native_options", /second socket/);
    s.rt.close();
  });
});

describe("OpenAI Realtime handshake", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  /** The HTTP answer to a refused upgrade. */
  function refusal(path: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; body: Obj; headers: Obj }>((resolve, reject) => {
      const ws = new WebSocket(`${t.server.url.replace(/^http/, "ws")}${path}`, { headers });
      ws.on("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(body), headers: res.headers }),
        );
      });
      ws.on("open", () => reject(new Error("upgraded")));
      ws.on("error", () => undefined);
    });
  }
  const bearer = () => ({ authorization: `Bearer ${t.server.apiKey}` });

  it("no key is this layer's 401; a wrong key the provider's; both in OpenAI's error shape", async () => {
    const none = await refusal("/compat/v1/realtime?model=fish-audio/s2.1-pro");
    assert.equal(none.status, 401);
    assert.equal(none.body.error.type, "authentication_error");
    assert.equal(none.body.error.metadata, undefined);
    const wrong = await refusal("/compat/v1/realtime?model=fish-audio/s2.1-pro", {
      authorization: "Bearer nope",
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.type, "provider_error");
    assert.deepEqual(wrong.body.error.metadata, { provider_name: "fish-audio" });
  });

  it("?api_key= in the URL opens a session, under each of the protocol's bases", async () => {
    const ws = t.server.url.replace(/^http/, "ws");
    const key = t.server.apiKey;
    const sockets = [
      new WebSocket(`${ws}/compat/v1/realtime?model=tts-1&api_key=${key}`),
      new WebSocket(`${ws}/compat/api/v1/realtime?model=tts-1&api_key=${key}`),
      new WebSocket(`${ws}/compat/openai/v1/realtime?model=tts-1&api_key=${key}`),
    ];
    for (const socket of sockets) {
      const first = await new Promise<Obj>((resolve, reject) => {
        socket.once("message", (d: Buffer) => resolve(JSON.parse(d.toString())));
        socket.once("error", reject);
      });
      assert.equal(first.type, "session.created");
      assert.equal(first.session.model, "fish-audio/s2.1-pro");
      socket.close();
    }
  });

  it("an unknown or transcription-only model is a 400; an empty balance a 402; plain HTTP a 426", async () => {
    const unknown = await refusal("/compat/v1/realtime?model=gpt-realtime", bearer());
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /gpt-realtime/);
    const stt = await refusal("/compat/v1/realtime?model=whisper-1", bearer());
    assert.equal(stt.status, 400);
    const { apiKey } = t.server.createUser({ credits: 0 });
    const poor = await refusal("/compat/v1/realtime?model=tts-1", {
      authorization: `Bearer ${apiKey}`,
    });
    assert.equal(poor.status, 402);
    assert.equal(poor.body.error.type, "provider_error");
    const plain = await fetch(`${t.server.url}/compat/v1/realtime`);
    assert.equal(plain.status, 426);
    assert.equal(((await plain.json()) as Obj).error.type, "invalid_request_error");
  });
});

describe("OpenAI Realtime over plain local HTTP (the README's createConnection option)", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it("the client's own ws options can dial the plaintext server", async () => {
    const client = new OpenAI({ baseURL: `${t.server.url}/compat/v1`, apiKey: t.server.apiKey });
    const rt = new OpenAIRealtimeWS(
      {
        model: "tts-1",
        options: {
          // ws hands over its request options (with the URL path in them: only host and port matter).
          createConnection: (o) => {
            const { port, host } = o as unknown as { port: string; host: string };
            return connect(Number(port), host);
          },
        },
      },
      client,
    );
    const s = new Session(sdk(rt));
    await s.type("session.created");
    s.send(say("Plain socket."));
    s.send({ type: "response.create" });
    const done = await s.type("response.done");
    assert.equal(done.response.status, "completed");
    assert.equal(audioOf(s.events).length, 2 * 1600 * 2);
    rt.close();
  });
});

describe("OpenAI Realtime credit and rate limits", () => {
  it("a response the balance no longer covers is an insufficient_credit error and a failed response.done, charged nothing", async () => {
    const t = await startTestServer();
    const hop = await startTlsHop(t.server.url);
    try {
      const { userId, apiKey } = t.server.createUser({ credits: 5 });
      const client = new OpenAI({ baseURL: `${hop.url}/compat/v1`, apiKey });
      const s = new Session(
        sdk(new OpenAIRealtimeWS({ model: "tts-1", options: { ca: hop.ca } }, client)),
      );
      await s.type("session.created");
      s.send(say("Paid for."));
      s.send({ type: "response.create" });
      assert.equal((await s.type("response.done")).response.status, "completed");
      t.server.setCredits(userId, 0);
      const from = s.events.length;
      s.send(say("Not paid for."));
      s.send({ type: "response.create" });
      const done = await s.type("response.done", from);
      assert.equal(done.response.status, "failed");
      const error = await s.type("error", from);
      assert.equal(error.error.code, "insufficient_credit");
      assert.equal(audioOf(s.events.slice(from)).length, 0);
      assert.equal(t.server.usage(userId).length, 1);
      s.rt.close();
    } finally {
      await hop.close();
      await t.close();
    }
  });

  it("a key over its rate limit is refused at the handshake: 429 with Retry-After, OpenAI-shaped", async () => {
    const t = await startTestServer({ rateLimit: { requests: 1, windowMs: 60_000 } });
    try {
      const ws = t.server.url.replace(/^http/, "ws");
      const key = t.server.apiKey;
      const first = new WebSocket(`${ws}/compat/v1/realtime?model=tts-1&api_key=${key}`);
      await new Promise((resolve, reject) => {
        first.once("message", resolve);
        first.once("error", reject);
      });
      const second = new WebSocket(`${ws}/compat/v1/realtime?model=tts-1&api_key=${key}`);
      const refused = await new Promise<{ status: number; retry: unknown; body: Obj }>(
        (resolve, reject) => {
          second.on("unexpected-response", (_req, res) => {
            let body = "";
            res.on("data", (c: Buffer) => {
              body += c.toString();
            });
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                retry: res.headers["retry-after"],
                body: JSON.parse(body),
              }),
            );
          });
          second.on("open", () => reject(new Error("upgraded")));
          second.on("error", () => undefined);
        },
      );
      assert.equal(refused.status, 429);
      assert.match(String(refused.retry), /^\d+$/);
      assert.equal(refused.body.error.code, 429);
      first.close();
    } finally {
      await t.close();
    }
  });
});

describe("OpenAI Realtime in the request log", () => {
  it("a key sent as ?api_key= is not kept in the logged query", async () => {
    const t = await startTestServer({ requestLogSize: 20 });
    try {
      const ws = new WebSocket(
        `${t.server.url.replace(/^http/, "ws")}/compat/v1/realtime?model=tts-1&api_key=${t.server.apiKey}`,
      );
      await new Promise((resolve, reject) => {
        ws.once("message", resolve);
        ws.once("error", reject);
      });
      ws.close();
      const res = await t.call("GET", "/local/requests");
      const text = await res.text();
      assert.ok(text.includes("/compat/v1/realtime"), text.slice(0, 300));
      assert.ok(!text.includes(t.server.apiKey), "the key is in the request log");
      assert.match(text, /"api_key":"\[redacted\]"/);
    } finally {
      await t.close();
    }
  });
});

describe("OpenAI Realtime input buffer limit", () => {
  it("audio past what the server transcribes is input_audio_buffer_full, not buffered; the session goes on", async () => {
    const t = await startTestServer({ maxAudioSeconds: 1 });
    try {
      const ws = new WebSocket(
        `${t.server.url.replace(/^http/, "ws")}/compat/v1/realtime?intent=transcription&api_key=${t.server.apiKey}`,
      );
      const s = new Session({
        onEvent: (f) => void ws.on("message", (d: Buffer) => f(JSON.parse(d.toString()))),
        onError: () => undefined,
        send: (e) => ws.send(JSON.stringify(e)),
        close: () => ws.close(),
      });
      await s.type("transcription_session.created");
      // 0.75 s fits; another 0.75 s would make 1.5 s of 24 kHz PCM.
      const piece = Buffer.from(tone(200, 0.75, 24000).samples.buffer).toString("base64");
      s.send({ type: "input_audio_buffer.append", audio: piece, event_id: "a" });
      s.send({ type: "input_audio_buffer.append", audio: piece, event_id: "b" });
      assertRefusal(await s.errorFor("b"), "input_audio_buffer_full", /maxAudioSeconds/);
      s.send({ type: "input_audio_buffer.commit" });
      const heard = await s.type("conversation.item.input_audio_transcription.completed");
      assert.equal(heard.transcript, "fake transcript of 18000 samples");
      assert.equal(s.events.filter((e) => e.type === "error").length, 1);
      ws.close();
    } finally {
      await t.close();
    }
  });
});

describe("OpenAI Realtime when the server shuts down", () => {
  it("the client gets an error event it can parse (server_shutting_down), then close 1001", async () => {
    const t = await startTestServer();
    const hop = await startTlsHop(t.server.url);
    try {
      const client = new OpenAI({ baseURL: `${hop.url}/compat/v1`, apiKey: t.server.apiKey });
      const rt = new OpenAIRealtimeWS({ model: "tts-1", options: { ca: hop.ca } }, client);
      const s = new Session(sdk(rt));
      await s.type("session.created");
      const closed = new Promise<number>((resolve) => rt.socket.on("close", resolve));
      await t.close();
      const error = await s.type("error");
      assert.equal(error.error.code, "server_shutting_down");
      assert.equal(await closed, 1001);
      // Every frame was an event the client could read: its only error is the shutdown notice.
      assert.deepEqual(
        s.sdkErrors.map((e) => e.error?.code),
        ["server_shutting_down"],
      );
    } finally {
      await hop.close();
      await t.close();
    }
  });
});
