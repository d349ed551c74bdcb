import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpError } from "../../src/http/errors.js";
import { decodeParams, matchHttp, matchUpgrade } from "../../src/routes/dispatch.js";
import { ROUTES } from "../../src/routes/table.js";

function status(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof HttpError ? error.status : -1;
  }
  return undefined;
}

describe("route dispatch from the table", () => {
  it("finds the entry for a method and path, with its raw parameters", () => {
    const match = matchHttp("GET", "/model/abc%20d/samples/3");
    assert.equal(match.kind, "route");
    if (match.kind !== "route") return;
    assert.equal(match.route.path, "/model/{id}/samples/{n:int}");
    assert.deepEqual(decodeParams(match.raw), { id: "abc d", n: "3" });
  });

  it("answers HEAD from the GET entry", () => {
    const match = matchHttp("HEAD", "/v1/health");
    assert.equal(match.kind === "route" && match.route.method, "GET");
  });

  it("is 404 for a path no entry has, including a non-numeric sample index", () => {
    assert.equal(
      status(() => matchHttp("GET", "/v2/whatever")),
      404,
    );
    assert.equal(
      status(() => matchHttp("GET", "/model/abc/samples/x")),
      404,
    );
    assert.equal(
      status(() => matchUpgrade("/v1/other")),
      404,
    );
  });

  it("lists the table's methods for a path served under others (405)", () => {
    const match = matchHttp("PUT", "/model/abc");
    assert.deepEqual(match, { kind: "method", allowed: ["GET", "PATCH", "DELETE"], auth: true });
  });

  it("sends plain HTTP on a WebSocket path to the upgrade (426)", () => {
    assert.equal(matchHttp("GET", "/v1/tts/live").kind, "upgrade");
    assert.equal(matchUpgrade("/v1/tts/live").route.path, "/v1/tts/live");
  });

  it("a malformed escape in a parameter is a 400", () => {
    assert.equal(
      status(() => decodeParams({ id: "%zz" })),
      400,
    );
  });

  it("has one entry per method and path", () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    assert.equal(new Set(keys).size, keys.length);
  });
});
