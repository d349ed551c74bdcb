/**
 * Audio uploads that lie about themselves (truncated headers, impossible formats, other
 * containers' magic bytes) sent to speech to text, voice cloning and TTS references. Each must be
 * refused with a 4xx `{status, message}`; none may cost a 5xx or take the server down.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { msgpack, sineWav, voiceMultipart } from "./payloads.js";
import { assertErrorShape, type RawResponse, rawRequest } from "./raw-http.js";
import { type ServerProcess, spawnServer } from "./server-process.js";

const API_KEY = "bad-audio-key-0123456789";

/** A valid 16 kHz WAV header followed by `samples` of silence; fields patched by the caller. */
function wav(patch: (header: Buffer) => void, samples = 1600): Buffer {
  const file = Buffer.from(sineWav(samples / 16_000));
  patch(file);
  return file;
}

/**
 * [name, bytes, must be refused]. Some lies are tolerable: a WAV with no samples, or one whose
 * data size is a streaming placeholder, is valid (empty or clamped) audio. Those may get 2xx or
 * 4xx, never 5xx; the rest must be refused with 4xx.
 */
const CASES: [string, Uint8Array, boolean][] = [
  ["empty upload", new Uint8Array(0), true],
  ["random bytes", Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)), true],
  ["RIFF header only (12 bytes)", sineWav(0.1).subarray(0, 12), true],
  ["header without samples", sineWav(0.1).subarray(0, 44), false],
  ["zero channels", wav((h) => h.writeUInt16LE(0, 22)), true],
  ["zero sample rate", wav((h) => h.writeUInt32LE(0, 24)), true],
  ["7-bit samples", wav((h) => h.writeUInt16LE(7, 34)), true],
  ["0-bit samples", wav((h) => h.writeUInt16LE(0, 34)), true],
  ["codec 0xfffe without the extension", wav((h) => h.writeUInt16LE(0xfffe, 20)), true],
  ["mu-law codec", wav((h) => h.writeUInt16LE(7, 20)), true],
  ["65535 channels, few bytes", wav((h) => h.writeUInt16LE(65535, 22), 10), false],
  ["data chunk claiming 4 GiB", wav((h) => h.writeUInt32LE(0xffffffff, 40)), false],
  ["ID3 tag then garbage", Buffer.concat([Buffer.from("ID3"), Buffer.alloc(500, 0x55)]), true],
  ["OggS page then garbage", Buffer.concat([Buffer.from("OggS"), Buffer.alloc(500, 0x55)]), true],
  ["fLaC marker then garbage", Buffer.concat([Buffer.from("fLaC"), Buffer.alloc(500, 0x55)]), true],
  [
    "MPEG frame sync then garbage",
    Buffer.concat([Buffer.from([0xff, 0xfb]), Buffer.alloc(500)]),
    true,
  ],
];

describe("local server: lying audio uploads", () => {
  let server: ServerProcess;
  let dataDir: string;
  const auth = { authorization: `Bearer ${API_KEY}` };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "fishaudio-bad-audio-"));
    server = await spawnServer({ dataDir, apiKey: API_KEY, rateLimit: false });
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A refusal where one is required; otherwise anything but a 5xx. */
  function assertAnswer(res: RawResponse, what: string, mustRefuse: boolean): void {
    if (mustRefuse || res.status >= 300) assertRefused(res, what);
  }

  /** 4xx with the exact error shape; anything else fails with the server's log attached. */
  function assertRefused(res: RawResponse, what: string): void {
    assert.ok(
      res.status >= 400 && res.status < 500,
      `${what}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}\n${server.output().slice(-1500)}`,
    );
    assertErrorShape(res, what);
  }

  for (const [name, audio, mustRefuse] of CASES) {
    const outcome = mustRefuse ? "refused with 4xx" : "no 5xx";
    it(`${name}: ${outcome} from ASR and from voice cloning`, async () => {
      const asrMsgpack = await rawRequest(server.url, {
        method: "POST",
        path: "/v1/asr",
        headers: { ...auth, "content-type": "application/msgpack" },
        body: msgpack({ audio, ignore_timestamps: false }),
      });
      assertAnswer(asrMsgpack, `ASR msgpack, ${name}`, mustRefuse);
      const form = voiceMultipart(audio);
      const clone = await rawRequest(server.url, {
        method: "POST",
        path: "/model",
        headers: { ...auth, "content-type": form.contentType },
        body: form.body,
      });
      assertAnswer(clone, `POST /model, ${name}`, mustRefuse);
      assert.ok(server.alive());
    });
  }

  it("a WAV cut inside its fmt chunk -> 400, not 500 (B3)", async () => {
    const res = await rawRequest(server.url, {
      method: "POST",
      path: "/v1/asr",
      headers: { ...auth, "content-type": "application/msgpack" },
      body: msgpack({ audio: sineWav(0.1).subarray(0, 28) }),
    });
    assertRefused(res, "ASR, WAV cut at byte 28");
  });

  // Last on purpose: should the bug come back, the server's ASR stays busy for minutes after it.
  it("a 12 KB WAV claiming a 7 Hz sample rate (15 min of audio) is refused (B4)", async () => {
    const res = await rawRequest(
      server.url,
      {
        method: "POST",
        path: "/v1/asr",
        headers: { ...auth, "content-type": "application/msgpack" },
        body: msgpack({ audio: wav((h) => h.writeUInt32LE(7, 24), 6400) }),
      },
      15_000,
    );
    assertRefused(res, "ASR, 7 Hz WAV");
  });
});
