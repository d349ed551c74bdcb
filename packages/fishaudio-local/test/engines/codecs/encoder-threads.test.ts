import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { decodeAudio } from "../../../src/engines/codecs/decode.js";
import { EncoderThreads } from "../../../src/engines/codecs/encoder-threads.js";
import { createEncoder } from "../../../src/engines/codecs/encoders.js";
import { createEngines } from "../../../src/engines/index.js";
import type { EncoderOptions, PcmChunk } from "../../../src/engines/types.js";
import { tone } from "../fixtures.js";

/** 1.5 s of a 200 Hz tone at 16 kHz in 100 ms chunks, like engine output. */
const SOURCE = tone(200, 1.5, 16000, 12000);
const chunks = (): PcmChunk[] =>
  Array.from({ length: 15 }, (_, i) => ({
    samples: SOURCE.subarray(i * 1600, (i + 1) * 1600),
    sampleRate: 16000,
  }));

function concat(parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

async function inline(options: EncoderOptions): Promise<Buffer> {
  const enc = await createEncoder(options);
  return concat([...chunks().map((c) => enc.write(c)), enc.end()]);
}

describe("EncoderThreads", () => {
  const threads = new EncoderThreads(2);
  after(() => threads.close());

  for (const options of [
    { format: "mp3", mp3Bitrate: 128 },
    { format: "opus" },
    { format: "mp3", sampleRate: 32000, volumeDb: -6, normalize: true },
  ] satisfies EncoderOptions[]) {
    it(`gives the same bytes as the inline encoder (${JSON.stringify(options)})`, async () => {
      const enc = await threads.open(options);
      const parts: Uint8Array[] = [];
      for (const c of chunks()) parts.push(await enc.write(c));
      parts.push(await enc.end());
      const threaded = concat(parts);
      const expected = await inline(options);
      assert.ok(expected.length > 1000);
      if (options.format === "opus") {
        // Each Ogg stream has a random serial number: compare the decoded audio instead.
        const [a, b] = await Promise.all([decodeAudio(threaded), decodeAudio(expected)]);
        assert.ok(a.samples.length > 16000);
        assert.deepEqual(a.samples, b.samples);
      } else {
        assert.ok(threaded.equals(expected), `${threaded.length} vs ${expected.length} bytes`);
      }
      assert.equal(enc.contentType, (await createEncoder(options)).contentType);
      assert.equal(threads.openEncoders, 0);
    });
  }

  it("encodes the most urgent write first when several wait on one thread", async () => {
    const one = new EncoderThreads(1);
    try {
      const encs = await Promise.all([1, 2, 3, 4].map(() => one.open({ format: "mp3" })));
      // Warm: the first encode of a thread is its slowest; later ones queue behind this one.
      const order: string[] = [];
      const long = { samples: tone(200, 20, 16000, 12000), sampleRate: 16000 };
      const blocker = encs[0]!.write({ ...long, due: 0 }).then(() => order.push("blocker"));
      const writes = (
        [
          [encs[1]!, "late", 3000],
          [encs[2]!, "urgent", 1000],
          [encs[3]!, "middle", 2000],
        ] as const
      ).map(([enc, name, due]) => enc.write({ ...chunks()[0]!, due }).then(() => order.push(name)));
      await Promise.all([blocker, ...writes]);
      assert.deepEqual(order, ["blocker", "urgent", "middle", "late"]);
      for (const enc of encs) enc.discard();
      assert.equal(one.openEncoders, 0);
    } finally {
      await one.close();
    }
  });

  it("frees a discarded encoder and refuses to use an ended one", async () => {
    const enc = await threads.open({ format: "mp3" });
    await enc.write(chunks()[0]!);
    assert.equal(threads.openEncoders, 1);
    enc.discard();
    assert.equal(threads.openEncoders, 0);
    await assert.rejects(enc.write(chunks()[1]!), /already ended/);
  });
});

describe("createStreamEncoder", () => {
  it("refuses bad options with the RangeError the inline encoder gives, before any thread", async () => {
    const engines = await createEngines({ warm: false, encoderThreads: 1 });
    try {
      await assert.rejects(
        engines.createStreamEncoder!({ format: "mp3", mp3Bitrate: -5 }),
        (err: Error) => err instanceof RangeError && /mp3_bitrate/.test(err.message),
      );
      await assert.rejects(
        engines.createStreamEncoder!({ format: "opus", opusBitrate: Number.NaN }),
        RangeError,
      );
      // wav stays on this thread: nothing to gain from a hop.
      const wav = await engines.createStreamEncoder!({ format: "wav" });
      assert.equal(engines.internals.encoderThreads?.openEncoders, 0);
      assert.ok((await wav.write(chunks()[0]!)).length > 44);
    } finally {
      await engines.close();
    }
  });
});

describe("EncoderThreads: discard during a write", () => {
  it("lets the write still on its way finish, then frees the encoder", async () => {
    const threads = new EncoderThreads(1);
    try {
      const enc = await threads.open({ format: "mp3" });
      const writing = enc.write({ samples: tone(200, 5, 16000, 12000), sampleRate: 16000 });
      enc.discard();
      assert.ok((await writing).length > 0, "the write in flight is answered");
      // The thread is usable afterwards and holds nothing for the discarded encoder.
      const next = await threads.open({ format: "mp3" });
      assert.ok((await next.write(chunks()[0]!)) instanceof Uint8Array);
      next.discard();
      assert.equal(threads.openEncoders, 0);
    } finally {
      await threads.close();
    }
  });
});
