import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRetryableStatus, retryDelayMs } from "../../src/internal/retry.js";

const h = (init: Record<string, string>) => new Headers(init);
const now = Date.parse("2026-01-01T00:00:00Z");
const noJitter = () => 0;

describe("retry policy", () => {
  it("retries 408, 409, 429 and 5xx only", () => {
    for (const status of [408, 409, 429, 500, 502, 503, 599]) assert.ok(isRetryableStatus(status));
    for (const status of [400, 401, 402, 403, 404, 422, 425]) assert.ok(!isRetryableStatus(status));
  });

  it("uses retry-after-ms first, then Retry-After seconds or HTTP date", () => {
    assert.equal(retryDelayMs(0, h({ "retry-after-ms": "1500", "retry-after": "9" }), now), 1500);
    assert.equal(retryDelayMs(0, h({ "retry-after": "2" }), now), 2000);
    assert.equal(retryDelayMs(0, h({ "retry-after": "0.25" }), now), 250);
    const inFive = new Date(now + 5000).toUTCString();
    assert.equal(retryDelayMs(0, h({ "retry-after": inFive }), now), 5000);
    const past = new Date(now - 5000).toUTCString();
    assert.equal(retryDelayMs(0, h({ "retry-after": past }), now), 0);
  });

  it("falls back to capped exponential backoff for absent, invalid or too-long waits", () => {
    assert.equal(retryDelayMs(0, undefined, now, noJitter), 500);
    assert.equal(retryDelayMs(1, undefined, now, noJitter), 1000);
    assert.equal(retryDelayMs(3, h({ "retry-after": "soon" }), now, noJitter), 4000);
    assert.equal(retryDelayMs(10, undefined, now, noJitter), 8000);
    assert.equal(retryDelayMs(0, h({ "retry-after": "3600" }), now, noJitter), 500);
  });

  it("jitters downwards by at most 25 %", () => {
    assert.equal(
      retryDelayMs(2, undefined, now, () => 1),
      1500,
    );
    assert.equal(
      retryDelayMs(2, undefined, now, () => 0.5),
      1750,
    );
  });
});
