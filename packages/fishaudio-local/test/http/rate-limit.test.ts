import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RateLimiter } from "../../src/http/rate-limit.js";

describe("RateLimiter", () => {
  it("allows `requests` per window per key, then says how long to wait", () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ requests: 2, windowMs: 10_000 }, () => now);
    assert.equal(limiter.take("a"), undefined);
    assert.equal(limiter.take("a"), undefined);
    assert.equal(limiter.take("b"), undefined);
    now += 2500;
    assert.equal(limiter.take("a"), 8);
    now += 7500;
    assert.equal(limiter.take("a"), undefined);
  });
});
