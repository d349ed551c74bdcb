import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mergeHeaders } from "../../src/internal/headers.js";
import { toSearchParams } from "../../src/internal/qs.js";

describe("toSearchParams", () => {
  it("keeps insertion order, repeats lists, writes booleans and skips undefined/null", () => {
    const qs = toSearchParams({ b: 1, a: ["x", "y z"], t: true, f: false, u: undefined, n: null });
    assert.equal(qs.toString(), "b=1&a=x&a=y+z&t=true&f=false");
  });

  it("lets a later layer replace a key", () => {
    assert.equal(toSearchParams({ a: 1, b: 2 }, { a: [3, 4] }).toString(), "b=2&a=3&a=4");
  });
});

describe("mergeHeaders", () => {
  it("merges case-insensitively, later wins, null removes", () => {
    const merged = mergeHeaders(
      { Authorization: "Bearer a", "X-A": "1" },
      new Headers({ "x-b": "2" }),
      { authorization: "Bearer b", "x-a": null, "x-c": undefined },
    );
    assert.deepEqual(merged, { authorization: "Bearer b", "x-b": "2" });
  });
});
