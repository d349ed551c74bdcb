import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FishAudioError } from "../../src/core/error.js";
import { fromFile } from "../../src/node/index.js";

const dir = await mkdtemp(join(tmpdir(), "fishaudio-fromfile-"));
after(() => rm(dir, { recursive: true, force: true }));

describe("fromFile", () => {
  it("returns the file's bytes as a named, typed Blob", async () => {
    const path = join(dir, "voice.wav");
    await writeFile(path, new Uint8Array([82, 73, 70, 70, 0, 1, 2]));
    const blob = await fromFile(path);
    assert.ok(blob instanceof Blob);
    assert.equal(blob.size, 7);
    assert.equal(blob.type, "audio/wav");
    assert.equal((blob as File).name, "voice.wav");
    assert.deepEqual([...new Uint8Array(await blob.arrayBuffer())], [82, 73, 70, 70, 0, 1, 2]);
  });

  it("works in a FormData upload with the file name", async () => {
    const path = join(dir, "clip.mp3");
    await writeFile(path, "ID3");
    const form = new FormData();
    form.append("audio", await fromFile(path));
    const part = form.get("audio") as File;
    assert.equal(part.name, "clip.mp3");
    assert.equal(part.type, "audio/mpeg");
    assert.equal(await part.text(), "ID3");
  });

  it("says clearly when the file is missing or not a file", async () => {
    await assert.rejects(fromFile(join(dir, "nope.wav")), (error: unknown) => {
      assert.ok(error instanceof FishAudioError);
      assert.match(error.message, /cannot read .*nope\.wav: no such file/);
      return true;
    });
    await assert.rejects(fromFile(dir), /is not a regular file/);
  });
});
