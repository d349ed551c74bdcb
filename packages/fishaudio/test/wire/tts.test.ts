import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decode } from "@msgpack/msgpack";
import { FishAudio, VERSION } from "fishaudio";
import { type Captured, captureServer } from "./capture-server.js";
import { DEFAULT_CALL, FULL_CALL } from "./vectors.js";

describe("wire: POST /v1/tts", () => {
  let server: Awaited<ReturnType<typeof captureServer>>;
  let client: FishAudio;
  let releaseHeld: (() => void) | undefined;
  before(async () => {
    server = await captureServer((req: Captured, res) => {
      if (req.headers.model === "held") {
        // Sends one chunk, then holds the body open until the test has seen that chunk.
        res.writeHead(200, { "content-type": "audio/mpeg" });
        res.write(Buffer.from("first"));
        releaseHeld = () => res.end(Buffer.from("second"));
        return;
      }
      if (req.headers.model === "fail") {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ status: 400, message: "Unknown model" }));
        return;
      }
      res.writeHead(200, { "content-type": "audio/mpeg" });
      res.write(Buffer.from("ID3"));
      setTimeout(() => res.end(Buffer.from("-audio")), 5);
    });
    client = new FishAudio({ apiKey: "KEY", baseUrl: server.url });
  });
  after(() => server.close());

  it("sends PY's headers and the 266-byte default body", async () => {
    const audio = await client.tts.convert({ text: "Hello" });
    assert.equal(Buffer.from(await audio.collect()).toString(), "ID3-audio");
    const req = server.requests.at(-1)!;
    assert.equal(req.method, "POST");
    assert.equal(req.path, "/v1/tts");
    assert.equal(req.rawQuery, "");
    assert.equal(req.headers.authorization, "Bearer KEY");
    assert.equal(req.headers["user-agent"], `fish-audio/typescript/${VERSION}`);
    assert.equal(req.headers["content-type"], "application/msgpack");
    // The live API's default model (the Python SDK 1.3 sends "s2-pro").
    assert.equal(req.headers.model, "s2.1-pro");
    assert.equal(req.headers["content-length"], "266");
    assert.equal(req.body.toString("hex"), DEFAULT_CALL);
  });

  it("sends the all-options body and the chosen model", async () => {
    await (
      await client.tts.convert({
        text: "Hello",
        config: {
          format: "wav",
          sampleRate: 16000,
          references: [{ audio: new Uint8Array([0, 1, 0x52, 0x49, 0x46, 0x46]), text: "ref" }],
          prosody: { speed: 1.2, volume: -3 },
        },
        referenceId: "abc",
        speed: 1.5,
        model: "s1",
      })
    ).collect();
    const req = server.requests.at(-1)!;
    assert.equal(req.headers.model, "s1");
    assert.equal(req.body.toString("hex"), FULL_CALL);
  });

  it("rejects with the server's error before any audio, and sends nothing for invalid input", async () => {
    await assert.rejects(
      client.tts.convert({ text: "Hello", model: "fail" }),
      /HTTP 400: Unknown model/,
    );
    const before = server.requests.length;
    await assert.rejects(client.tts.convert({ text: "" }), /text: must not be empty/);
    await assert.rejects(
      client.tts.convert({ text: "x", config: { chunkLength: 301 } }),
      /chunkLength/,
    );
    assert.equal(server.requests.length, before);
  });

  it("hands the first chunk over while the server is still sending", async () => {
    const audio = await client.tts.convert({ text: "Hello", model: "held" });
    const iterator = audio[Symbol.asyncIterator]();
    let backstop: ReturnType<typeof setTimeout> | undefined;
    const first = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => {
        backstop = setTimeout(() => reject(new Error("the first chunk was held back")), 10_000);
      }),
    ]);
    clearTimeout(backstop);
    assert.equal(Buffer.from(first.value as Uint8Array).toString(), "first");
    releaseHeld?.();
    const rest: string[] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      rest.push(Buffer.from(r.value).toString());
    }
    assert.equal(rest.join(""), "second");
  });

  it("sends dialogue voices, per-speaker references, normalize_loudness and features when set", async () => {
    await (
      await client.tts.convert({
        text: "<|speaker:0|>Hi!<|speaker:1|>Hello!",
        referenceId: ["alice", "bob"],
        references: [
          [{ audio: new Uint8Array([1]), text: "a" }],
          [
            { audio: new Uint8Array([2]), text: "b" },
            { audio: new Uint8Array([3]), text: "c" },
          ],
        ],
        config: { prosody: { volume: 2, normalizeLoudness: false }, features: ["quality-guard"] },
      })
    ).collect();
    const raw = server.requests.at(-1)!.body;
    const body = decode(new Uint8Array(raw.buffer, raw.byteOffset, raw.length).slice()) as Record<
      string,
      unknown
    >;
    assert.deepEqual(body.reference_id, ["alice", "bob"]);
    assert.deepEqual(body.references, [
      [{ audio: new Uint8Array([1]), text: "a" }],
      [
        { audio: new Uint8Array([2]), text: "b" },
        { audio: new Uint8Array([3]), text: "c" },
      ],
    ]);
    assert.deepEqual(body.prosody, { speed: 1, volume: 2, normalize_loudness: false });
    assert.deepEqual(body.features, ["quality-guard"]);
    assert.equal(Object.keys(body).at(-1), "features");
  });

  it("says what is wrong when the speaker markers and the voices do not match, sending nothing", async () => {
    const before = server.requests.length;
    const cases: [Parameters<typeof client.tts.convert>[0], RegExp][] = [
      [{ text: "<|speaker:0|>Hi<|speaker:1|>Yo", referenceId: "alice" }, /only one voice/],
      [{ text: "Hi there", referenceId: ["alice", "bob"] }, /no <\|speaker:N\|> markers/],
      [{ text: "<|speaker:2|>Hi", referenceId: ["alice", "bob"] }, /only 2 voices/],
      [{ text: "<|speaker 1|>Hi", referenceId: ["alice", "bob"] }, /malformed speaker marker/],
      [
        { text: "<|speaker:0|>Hi<|speaker:1|>Yo", referenceId: ["a", "b"], model: "s1" },
        /"s1" cannot speak dialogue/,
      ],
      [
        {
          text: "<|speaker:0|>Hi<|speaker:1|>Yo",
          referenceId: ["a", "b"],
          references: [[{ audio: new Uint8Array([1]), text: "x" }]],
        },
        /1 speaker lists but referenceId names 2/,
      ],
      [
        {
          text: "Hi",
          references: [{ audio: new Uint8Array([1]), text: "x" }, [] as never],
        },
        /mixes samples and lists/,
      ],
      [{ text: "Hi", referenceId: [] }, /at least one voice/],
      [{ text: "Hi", config: { features: ["ok", 3 as never] } }, /features\[1\]/],
    ];
    for (const [params, message] of cases) {
      await assert.rejects(client.tts.convert(params), message);
    }
    assert.equal(server.requests.length, before);
  });
});
