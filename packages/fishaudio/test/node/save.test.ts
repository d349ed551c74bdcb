import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { AudioStream } from "../../src/core/audio-stream.js";
import { save } from "../../src/node/index.js";

const dir = await mkdtemp(join(tmpdir(), "fishaudio-save-"));
after(() => rm(dir, { recursive: true, force: true }));

describe("save", () => {
  it("writes every chunk of a stream, in order", async () => {
    async function* chunks() {
      for (let i = 0; i < 300; i++) yield new Uint8Array(1000).fill(i % 256);
    }
    const path = join(dir, "stream.mp3");
    await save(new AudioStream(chunks()), path);
    const bytes = await readFile(path);
    assert.equal(bytes.byteLength, 300_000);
    for (let i = 0; i < 300; i++) {
      assert.equal(bytes[i * 1000], i % 256);
      assert.equal(bytes[i * 1000 + 999], i % 256);
    }
  });

  it("writes a whole buffer", async () => {
    const path = join(dir, "buffer.wav");
    await save(new Uint8Array([82, 73, 70, 70]), path);
    assert.deepEqual([...(await readFile(path))], [82, 73, 70, 70]);
  });

  it("overwrites an existing file", async () => {
    const path = join(dir, "again.mp3");
    await save(new Uint8Array(100), path);
    await save(new Uint8Array([1]), path);
    assert.equal((await stat(path)).size, 1);
  });

  it("passes on a stream's failure and leaves no truncated file", async () => {
    const path = join(dir, "broken.mp3");
    async function* failing() {
      yield new Uint8Array([1, 2, 3]);
      throw new Error("connection reset");
    }
    await assert.rejects(save(failing(), path), /connection reset/);
    await assert.rejects(stat(path), { code: "ENOENT" });
  });

  it("reports a folder that does not exist", async () => {
    await assert.rejects(save(new Uint8Array([1]), join(dir, "missing", "x.mp3")), {
      code: "ENOENT",
    });
  });
});
