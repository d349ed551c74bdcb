import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeHeaders, levelled, resolveLogLevel } from "../../src/internal/log.js";

describe("log", () => {
  it("hides credentials in header lists", () => {
    assert.equal(
      describeHeaders({ Authorization: "Bearer k", "X-Api-Key": "k2", model: "s1" }),
      "Authorization: ***, X-Api-Key: ***, model: s1",
    );
  });

  it("drops lines below the level and masks the secrets it is given", () => {
    const seen: string[] = [];
    const sink = (message: string) => seen.push(message);
    const log = levelled({ debug: sink, info: sink, warn: sink, error: sink }, "info", () => [
      "secret-key",
    ]);
    log.debug("hidden");
    log.info("key secret-key leaked?");
    log.error("boom");
    assert.deepEqual(seen, ["key *** leaked?", "boom"]);
    assert.equal(log.enabled("debug"), false);
    const off = levelled({ debug: sink, info: sink, warn: sink, error: sink }, "off", () => []);
    off.error("nothing");
    assert.equal(seen.length, 2);
  });

  it("takes FISH_LOG case-insensitively", () => {
    assert.equal(resolveLogLevel(undefined, "DEBUG", console), "debug");
  });
});
