import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertResponseMatchesSchema } from "../helpers/schema.js";

const CREDIT = {
  _id: "credit-u1",
  user_id: "u1",
  credit: "10.00",
  cumulative_top_up: "0",
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
  has_phone_sha256: false,
  has_free_credit: null,
};

describe("the response-schema helper", () => {
  it("accepts a response that matches its operation's schema", () => {
    assertResponseMatchesSchema("GET", "/wallet/self/api-credit?x=1", 200, CREDIT);
  });

  it("rejects a wrong type, a missing field and a timestamp that is not RFC 3339", () => {
    assert.throws(
      () =>
        assertResponseMatchesSchema("GET", "/wallet/self/api-credit", 200, {
          ...CREDIT,
          credit: 10,
        }),
      /credit must be string/,
    );
    const { user_id: _, ...missing } = CREDIT;
    assert.throws(
      () => assertResponseMatchesSchema("GET", "/wallet/self/api-credit", 200, missing),
      /user_id/,
    );
    assert.throws(
      () =>
        assertResponseMatchesSchema("GET", "/wallet/self/api-credit", 200, {
          ...CREDIT,
          created_at: "yesterday",
        }),
      /date-time/,
    );
  });

  it("holds errors to exactly {status, message} with the HTTP status", () => {
    assertResponseMatchesSchema("GET", "/model/x", 404, { status: 404, message: "not found" });
    assert.throws(
      () =>
        assertResponseMatchesSchema("GET", "/model/x", 404, {
          status: 404,
          message: "x",
          detail: 1,
        }),
      /status, message/,
    );
    assert.throws(
      () => assertResponseMatchesSchema("GET", "/model/x", 404, { status: 400, message: "x" }),
      /says status 400/,
    );
  });
});
