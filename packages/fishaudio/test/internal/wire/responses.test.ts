import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { APIError } from "fishaudio";
import {
  toASRResponse,
  toCredits,
  toPackage,
  toVoice,
  toVoicePage,
} from "../../../src/internal/wire/responses.js";

describe("response mapping", () => {
  it("maps a sparse voice with the server's defaults and ignores unknown fields", () => {
    const voice = toVoice({
      _id: "v1",
      title: "T",
      state: "created",
      visibility: "public",
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      pvc_status: "x",
      quality: { score: 1 },
    });
    assert.equal(voice.id, "v1");
    assert.equal(voice.type, "tts");
    assert.equal(voice.trainMode, "full");
    assert.equal(voice.description, "");
    assert.deepEqual(voice.tags, []);
    assert.deepEqual(voice.samples, []);
    assert.deepEqual(voice.author, { id: "", nickname: "", avatar: "" });
    assert.equal(voice.likeCount, 0);
    assert.equal("pvc_status" in voice, false);
  });

  it("maps pages, tolerating a missing items list", () => {
    assert.deepEqual(toVoicePage({ total: 0 }), { total: 0, items: [] });
    assert.equal(
      toVoicePage({ total: 1, items: [{ _id: "a" }], has_more: false }).items[0]?.id,
      "a",
    );
  });

  it("rejects a body that is not an object with an APIError saying what was expected", () => {
    assert.throws(
      () => toVoice(undefined),
      (e: unknown) => e instanceof APIError && /empty body/.test(e.message),
    );
    assert.throws(() => toCredits([]), /expected an API credit record/);
  });

  it("keeps credit a string whatever its JSON type, and drops null flags", () => {
    assert.equal(toCredits({ _id: "c", credit: 12 }).credit, "12");
    assert.equal(toCredits({ _id: "c", credit: "0.10" }).credit, "0.10");
    const credits = toCredits({
      _id: "c",
      credit: "1",
      has_free_credit: null,
      has_phone_sha256: false,
    });
    assert.equal("hasFreeCredit" in credits, false);
    assert.equal(credits.hasPhoneSha256, false);
  });

  it("maps a package with or without _id and finished_at", () => {
    assert.equal(toPackage({ user_id: "u", total: 5, balance: 2 }).id, undefined);
    const pkg = toPackage({
      _id: "p",
      total: "5",
      balance: 2,
      finished_at: "2026-02-01T00:00:00Z",
    });
    assert.equal(pkg.id, "p");
    assert.equal(pkg.total, 5);
    assert.equal(pkg.finishedAt, "2026-02-01T00:00:00Z");
  });

  it("maps ASR results, defaulting segments to an empty list", () => {
    assert.deepEqual(toASRResponse({ text: "hi", duration: 2 }), {
      text: "hi",
      duration: 2,
      segments: [],
    });
    const full = toASRResponse({
      text: "hi",
      duration: 2,
      segments: [{ text: "hi", start: 0.1, end: 0.4, extra: 1 }],
      language: "English",
      language_code: "en",
    });
    assert.deepEqual(full.segments, [{ text: "hi", start: 0.1, end: 0.4 }]);
    assert.equal(full.language, "English");
    assert.equal(full.languageCode, "en");
  });
});
