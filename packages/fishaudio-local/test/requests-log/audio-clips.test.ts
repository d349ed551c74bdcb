import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AudioClips } from "../../src/requests-log/audio-clips.js";

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe("AudioClips", () => {
  it("keeps a private copy of each clip, with the request and key it came with", () => {
    const clips = new AudioClips(100);
    const source = bytes(10, 7);
    const id = clips.keep("req1", "key1", source.subarray(0, 4), "wav")!;
    source.fill(0);
    const clip = clips.get(id)!;
    assert.deepEqual([...clip.bytes], [7, 7, 7, 7]);
    assert.equal(clip.bytes.buffer.byteLength, 4, "holds only the field, not the whole body");
    assert.equal(clip.requestId, "req1");
    assert.equal(clip.keyId, "key1");
    assert.equal(clips.bytes, 4);
  });

  it("stays within its budget by evicting the oldest clips first", () => {
    const clips = new AudioClips(100);
    const first = clips.keep("a", "k", bytes(40), "wav")!;
    const second = clips.keep("b", "k", bytes(40), "wav")!;
    const third = clips.keep("c", "k", bytes(40), "wav")!;
    assert.equal(clips.get(first), undefined);
    assert.ok(clips.get(second) && clips.get(third));
    assert.equal(clips.bytes, 80);
    const big = clips.keep("d", "k", bytes(100), "wav")!;
    assert.equal(clips.size, 1);
    assert.equal(clips.get(big)!.bytes.length, 100);
  });

  it("refuses a clip larger than the budget without evicting anything", () => {
    const clips = new AudioClips(100);
    const kept = clips.keep("a", "k", bytes(60), "wav")!;
    assert.equal(clips.keep("b", "k", bytes(101), "wav"), undefined);
    assert.ok(clips.get(kept));
    assert.equal(new AudioClips(0).keep("a", "k", bytes(1), "wav"), undefined);
  });

  it("counts reservations of captures in progress against the budget, until released", () => {
    const clips = new AudioClips(100);
    const kept = clips.keep("a", "k", bytes(50), "wav")!;
    assert.ok(clips.reserve(70), "evicts the older clip to make room");
    assert.equal(clips.get(kept), undefined);
    assert.equal(clips.bytes, 70);
    assert.equal(clips.keep("b", "k", bytes(40), "wav"), undefined, "in-flight bytes cannot go");
    clips.release(70);
    assert.equal(clips.bytes, 0);
    assert.ok(clips.reserve(30));
    const committed = clips.commit("c", "k", bytes(30), "mp3");
    assert.equal(clips.bytes, 30);
    assert.equal(clips.get(committed)!.kind, "mp3");
  });

  it("drops every clip of a request", () => {
    const clips = new AudioClips(100);
    clips.keep("a", "k", bytes(10), "wav");
    clips.keep("a", "k", bytes(10), "wav");
    const other = clips.keep("b", "k", bytes(10), "wav")!;
    clips.dropRequest("a");
    assert.equal(clips.size, 1);
    assert.equal(clips.bytes, 10);
    assert.ok(clips.get(other));
  });

  it("refuses a budget that is not an integer of 0 or more", () => {
    assert.throws(() => new AudioClips(-1), /requestAudioBytes/);
    assert.throws(() => new AudioClips(1.5), /requestAudioBytes/);
  });
});
