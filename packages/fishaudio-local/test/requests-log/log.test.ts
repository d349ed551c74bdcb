import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RequestLog } from "../../src/requests-log/log.js";

function begin(log: RequestLog, path: string, userId: string | null) {
  const entry = log.begin({
    id: path,
    time: new Date().toISOString(),
    method: "GET",
    path,
    query: {},
    model: null,
  });
  entry.userId = userId;
  return entry;
}

describe("RequestLog", () => {
  it("keeps at most `capacity` entries, dropping the oldest", () => {
    const log = new RequestLog(3);
    for (let i = 1; i <= 5; i++) begin(log, `/r${i}`, "u");
    assert.equal(log.size, 3);
    const viewer = { userId: "u", owner: false };
    assert.deepEqual(
      log.list(viewer).map((e) => e.path),
      ["/r5", "/r4", "/r3"],
    );
    assert.equal(log.get(viewer, "/r1"), undefined);
  });

  it("shows a user only its own requests; the owner sees all, including unauthenticated ones", () => {
    const log = new RequestLog(10);
    begin(log, "/alice", "alice");
    begin(log, "/bob", "bob");
    begin(log, "/nobody", null);
    assert.deepEqual(
      log.list({ userId: "bob", owner: false }).map((e) => e.path),
      ["/bob"],
    );
    assert.equal(log.get({ userId: "bob", owner: false }, "/alice"), undefined);
    assert.equal(log.list({ userId: "alice", owner: true }).length, 3);
  });

  it("lists only entries after a sequence number, newest first, up to a limit", () => {
    const log = new RequestLog(10);
    const first = begin(log, "/a", "u");
    begin(log, "/b", "u");
    begin(log, "/c", "u");
    const viewer = { userId: "u", owner: false };
    assert.deepEqual(
      log.list(viewer, { after: first.seq }).map((e) => e.path),
      ["/c", "/b"],
    );
    assert.deepEqual(
      log.list(viewer, { limit: 1 }).map((e) => e.path),
      ["/c"],
    );
  });

  it("drops a request's audio clips with its entry", () => {
    const log = new RequestLog(2, 1000);
    const first = begin(log, "/a", "u");
    const clip = log.clips.keep(first.id, "k", new Uint8Array(10), "wav")!;
    assert.ok(log.holds(first));
    begin(log, "/b", "u");
    assert.ok(log.clips.get(clip));
    begin(log, "/c", "u");
    assert.equal(log.holds(first), false);
    assert.equal(log.clips.get(clip), undefined);
    assert.equal(log.clips.bytes, 0);
  });

  it("refuses a capacity that is not a positive integer", () => {
    assert.throws(() => new RequestLog(0), /positive integer/);
  });
});
