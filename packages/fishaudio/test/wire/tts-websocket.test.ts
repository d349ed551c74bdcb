import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { decode, encode } from "@msgpack/msgpack";
import { FishAudio, ValidationError, VERSION } from "fishaudio";
import { WebSocketServer } from "ws";
import { START_FRAME } from "./vectors.js";

interface Session {
  path: string;
  headers: IncomingHttpHeaders;
  frames: Buffer[];
}

/** A /v1/tts/live stand-in: records frames, answers each text with audio, finishes on stop. */
async function liveServer() {
  const sessions: Session[] = [];
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on("connection", (socket, req) => {
    const session: Session = { path: req.url ?? "", headers: req.headers, frames: [] };
    sessions.push(session);
    socket.on("message", (data: Buffer) => {
      session.frames.push(data);
      const event = decode(data) as { event: string; text?: string };
      if (event.event === "text") {
        socket.send(encode({ event: "audio", audio: new TextEncoder().encode(`[${event.text}]`) }));
      } else if (event.event === "stop") {
        socket.send(encode({ event: "finish", reason: "stop" }));
        socket.close(1000);
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

describe("wire: tts.streamWebsocket", () => {
  let server: Awaited<ReturnType<typeof liveServer>>;
  before(async () => {
    server = await liveServer();
  });
  after(() => server.close());

  it("opens ws://…/v1/tts/live under the base URL's prefix with PY's headers and start frame", async () => {
    const client = new FishAudio({
      apiKey: "KEY",
      baseUrl: `${server.url}/prefix`,
      defaultHeaders: { "X-Team": "t1" },
    });
    const audio = client.tts.streamWebsocket([
      "Hello ",
      { event: "flush" },
      { event: "text", text: "world" },
    ]);
    const bytes = await audio.collect();
    assert.equal(new TextDecoder().decode(bytes), "[Hello ][world]");
    const session = server.sessions.at(-1)!;
    assert.equal(session.path, "/prefix/v1/tts/live");
    assert.equal(session.headers.authorization, "Bearer KEY");
    assert.equal(session.headers["user-agent"], `fish-audio/typescript/${VERSION}`);
    assert.equal(session.headers.model, "s2.1-pro");
    assert.equal(session.headers["x-team"], "t1");
    assert.equal(session.frames[0]?.toString("hex"), START_FRAME);
    assert.deepEqual(
      session.frames.slice(1).map((f) => f.toString("hex")),
      [
        "82a56576656e74a474657874a474657874a648656c6c6f20",
        "81a56576656e74a5666c757368",
        "82a56576656e74a474657874a474657874a5776f726c64",
        "81a56576656e74a473746f70",
      ],
    );
  });

  it("puts overrides, the model and Blob references into the start frame", async () => {
    const client = new FishAudio({ apiKey: "KEY", baseUrl: server.url });
    const audio = client.tts.streamWebsocket(
      (async function* () {
        yield "Hi";
      })(),
      {
        model: "s1",
        referenceId: "abc",
        speed: 1.5,
        references: [{ audio: new Blob([new Uint8Array([1, 2])]), text: "ref" }],
      },
    );
    await audio.collect();
    const session = server.sessions.at(-1)!;
    assert.equal(session.headers.model, "s1");
    const start = decode(session.frames[0]!) as { event: string; request: Record<string, unknown> };
    assert.equal(start.event, "start");
    assert.equal(Object.keys(start.request).length, 18);
    assert.equal(start.request.reference_id, "abc");
    assert.deepEqual(start.request.prosody, { speed: 1.5, volume: 0 });
    const refs = start.request.references as { audio: Uint8Array; text: string }[];
    assert.deepEqual(
      refs.map((r) => [[...r.audio], r.text]),
      [[[1, 2], "ref"]],
    );
    assert.equal(start.request.text, "");
  });

  it("validates before connecting", () => {
    const client = new FishAudio({ apiKey: "KEY", baseUrl: server.url });
    const before = server.sessions.length;
    assert.throws(
      () => client.tts.streamWebsocket(["x"], { format: "flac" as "mp3" }),
      ValidationError,
    );
    assert.throws(() => client.tts.streamWebsocket(42 as never), /textStream/);
    assert.equal(server.sessions.length, before);
  });
});
