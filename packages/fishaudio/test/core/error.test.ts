import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
} from "fishaudio";

describe("APIError.generate", () => {
  const cases: [number, typeof APIError][] = [
    [400, BadRequestError],
    [401, AuthenticationError],
    [402, PaymentRequiredError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, ServerError],
    [503, ServerError],
  ];
  for (const [status, Class] of cases) {
    it(`maps ${status} to ${Class.name}`, () => {
      const error = APIError.generate(status, { status, message: "nope" }, undefined);
      assert.ok(error instanceof Class);
      assert.equal(error.status, status);
      assert.equal(error.message, `HTTP ${status}: nope`);
    });
  }

  it("keeps other statuses as plain APIError", () => {
    const error = APIError.generate(409, "conflict", undefined);
    assert.equal(error.constructor, APIError);
    assert.equal(error.message, "HTTP 409: conflict");
  });

  it("reads array bodies, FastAPI detail and the request id", () => {
    const headers = new Headers({ "x-request-id": "req_1" });
    const array = APIError.generate(422, [{ loc: ["body", "text"], msg: "required" }], headers);
    assert.equal(array.message, "HTTP 422: body.text: required");
    assert.equal(array.requestId, "req_1");
    const detail = APIError.generate(422, { detail: [{ msg: "bad" }] }, undefined);
    assert.equal(detail.message, "HTTP 422: bad");
  });
});
