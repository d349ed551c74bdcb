import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { oneShotNeeds } from "../../src/cli/early.js";

describe("oneShotNeeds (what tts --local starts before the CLI loads)", () => {
  it("the README's first command needs flite and mp3", () => {
    assert.deepEqual(oneShotNeeds(["tts", "--local", "Hello from Fish Audio", "-o", "hello.mp3"]), {
      flite: true,
      mp3: true,
    });
  });

  it("other formats skip LAME; a named voice or a script skips flite", () => {
    assert.deepEqual(oneShotNeeds(["--local", "tts", "Hi", "-o", "hi.wav"]), {
      flite: true,
      mp3: false,
    });
    assert.deepEqual(oneShotNeeds(["tts", "--local", "Hi", "--format=opus", "-o", "x.mp3"]), {
      flite: true,
      mp3: false,
    });
    assert.deepEqual(oneShotNeeds(["tts", "--local", "Hi", "--voice", "espeak-en"]), {
      flite: false,
      mp3: true,
    });
    assert.deepEqual(oneShotNeeds(["tts", "--local", "--script", "s.txt", "--voice", "A=x"]), {
      flite: false,
      mp3: true,
    });
  });

  it("nothing for other commands, without --local, for --help, or after --", () => {
    assert.equal(oneShotNeeds(["voices", "list", "--local"]), undefined);
    assert.equal(oneShotNeeds(["tts", "Hello", "-o", "x.mp3"]), undefined);
    assert.equal(oneShotNeeds(["tts", "--local", "--help"]), undefined);
    assert.equal(oneShotNeeds(["tts", "--", "--local"]), undefined);
  });
});
