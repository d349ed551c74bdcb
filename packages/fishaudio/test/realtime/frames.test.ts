import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError, WebSocketError } from "../../src/core/error.js";
import {
  encodeInputItem,
  encodeTextFrame,
  FLUSH_FRAME,
  parseServerFrame,
  STOP_FRAME,
} from "../../src/realtime/frames.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const bytes = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

describe("client frames (protocol 12.2)", () => {
  it("encodes text, flush and stop byte for byte", () => {
    assert.equal(hex(encodeTextFrame("Hello")), "82a56576656e74a474657874a474657874a548656c6c6f");
    assert.equal(hex(FLUSH_FRAME), "81a56576656e74a5666c757368");
    assert.equal(hex(STOP_FRAME), "81a56576656e74a473746f70");
  });

  it("sends strings and text events alike, and flush events as flush", () => {
    assert.equal(hex(encodeInputItem("Hello")!), hex(encodeTextFrame("Hello")));
    assert.equal(
      hex(encodeInputItem({ event: "text", text: "Hello" })!),
      hex(encodeTextFrame("Hello")),
    );
    assert.equal(hex(encodeInputItem({ event: "flush" })!), hex(FLUSH_FRAME));
  });

  it("skips empty text, which would only cost a frame", () => {
    assert.equal(encodeInputItem(""), undefined);
    assert.equal(encodeInputItem({ event: "text", text: "" }), undefined);
  });

  it("rejects items that are not text or flush, naming what it got", () => {
    for (const bad of [42, null, { event: "stop" }, { event: "text" }, ["Hello"]]) {
      assert.throws(
        () => encodeInputItem(bad),
        (error: unknown) => {
          assert.ok(error instanceof ValidationError);
          assert.equal(error.field, "input");
          assert.match(error.message, /string, \{ event: "text"/);
          return true;
        },
      );
    }
  });
});

describe("server frames (protocol 12.3)", () => {
  it("reads audio bytes", () => {
    const event = parseServerFrame(bytes("82a56576656e74a5617564696fa5617564696fc403010203"));
    assert.equal(event.type, "audio");
    assert.deepEqual(event.type === "audio" && [...event.audio], [1, 2, 3]);
  });

  it("reads finish with reason stop and error", () => {
    assert.deepEqual(
      parseServerFrame(bytes("82a56576656e74a666696e697368a6726561736f6ea473746f70")),
      { type: "finish", reason: "stop", message: undefined },
    );
    assert.deepEqual(
      parseServerFrame(bytes("82a56576656e74a666696e697368a6726561736f6ea56572726f72")),
      { type: "finish", reason: "error", message: undefined },
    );
  });

  it("ignores unknown events, maps without event and non-map values", () => {
    assert.deepEqual(parseServerFrame(bytes("81a56576656e74a36c6f67")), { type: "other" }); // {event:"log"}
    assert.deepEqual(parseServerFrame(bytes("80")), { type: "other" }); // {}
    assert.deepEqual(parseServerFrame(bytes("2a")), { type: "other" }); // 42
  });

  it("turns bytes that are not msgpack into a WebSocketError", () => {
    assert.throws(() => parseServerFrame(bytes("c1")), WebSocketError);
    assert.throws(() => parseServerFrame(bytes("82a56576656e74")), WebSocketError); // truncated
  });
});
