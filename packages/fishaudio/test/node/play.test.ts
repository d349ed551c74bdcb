import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { APIUserAbortError, FishAudioError } from "../../src/core/error.js";
import { play, stream } from "../../src/node/index.js";
import { fakePlayerPath } from "../fixtures/fake-players.js";

const root = await mkdtemp(join(tmpdir(), "fishaudio-play-"));
after(() => rm(root, { recursive: true, force: true }));
let counter = 0;

/**
 * Fake players that record their arguments and copy stdin to a file, standing in for ffplay/mpv
 * so the tests hear what a real player would receive. The environment is only what the test
 * sets: a PATH of the fakes then failing decoys (never the machine's own PATH), and the files.
 */
async function fakePlayers(
  names: string[],
  body = 'printf "%s\\n" "$@" > "$FAKE_ARGS"; /bin/cat > "$FAKE_OUT"',
  decoys: string[] = names,
) {
  const dir = join(root, `bin-${++counter}`);
  const { PATH } = await fakePlayerPath(
    dir,
    Object.fromEntries(names.map((name) => [name, body])),
    decoys,
  );
  const out = join(root, `out-${counter}`);
  const args = join(root, `args-${counter}`);
  const env = { PATH, FAKE_OUT: out, FAKE_ARGS: args };
  return {
    env,
    output: () => readFile(out),
    args: async () => (await readFile(args, "utf8")).trim().split("\n"),
    outputSize: () =>
      stat(out).then(
        (s) => s.size,
        () => 0,
      ),
  };
}

async function* chunksOf(...parts: number[][]) {
  for (const part of parts) yield new Uint8Array(part);
}

describe("play", () => {
  it("pipes all the audio into ffplay with the quiet stdin arguments", async () => {
    const fake = await fakePlayers(["ffplay", "mpv"]);
    await play(chunksOf([1, 2], [3], [4, 5, 6]), { env: fake.env });
    assert.deepEqual([...(await fake.output())], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(await fake.args(), ["-nodisp", "-autoexit", "-loglevel", "quiet", "-i", "-"]);
  });

  it("falls back to mpv when there is no ffplay", async () => {
    const fake = await fakePlayers(["mpv"]);
    await play(new Uint8Array([9, 8, 7]), { env: fake.env });
    assert.deepEqual([...(await fake.output())], [9, 8, 7]);
    assert.deepEqual(await fake.args(), ["--no-video", "-"]);
  });

  it("names both players and how to install them when neither is on the PATH", async () => {
    let pulled = false;
    async function* source() {
      pulled = true;
      yield new Uint8Array([1]);
    }
    await assert.rejects(play(source(), { env: { PATH: "" } }), (error: unknown) => {
      assert.ok(error instanceof FishAudioError);
      assert.match(error.message, /ffplay/);
      assert.match(error.message, /mpv/);
      assert.match(error.message, /apt-get install ffmpeg/);
      assert.match(error.message, /brew install ffmpeg/);
      return true;
    });
    assert.equal(pulled, false, "no audio is fetched when it cannot be played");
  });

  it("stops waiting for the audio on abort, before any player starts", async () => {
    const fake = await fakePlayers(["ffplay"]);
    const controller = new AbortController();
    async function* stalled() {
      yield new Uint8Array([1]);
      controller.abort();
      await new Promise(() => {}); // the rest never arrives
    }
    await assert.rejects(
      play(stalled(), { env: fake.env, signal: controller.signal }),
      APIUserAbortError,
    );
    assert.equal(await fake.outputSize(), 0, "the player never ran");
  });

  it("rejects a player name it does not know", async () => {
    await assert.rejects(
      play(new Uint8Array([1]), { player: "toString" as "mpv" }),
      /Unknown player "toString"/,
    );
  });

  it("reports a player that fails, with what it printed", async () => {
    const fake = await fakePlayers(
      ["ffplay"],
      '/bin/cat > /dev/null; echo "Invalid data found" >&2; exit 3',
    );
    await assert.rejects(play(new Uint8Array([1]), { env: fake.env }), (error: unknown) => {
      assert.ok(error instanceof FishAudioError);
      assert.match(error.message, /ffplay exited with code 3: Invalid data found/);
      return true;
    });
  });
});

describe("stream", () => {
  it("hands the first chunk to the player before the source has ended", async () => {
    const fake = await fakePlayers(["ffplay"]);
    async function* live() {
      yield new Uint8Array([1, 2, 3]);
      // The next chunk only comes once the player has the first: a helper that collected
      // everything before starting the player would wait here forever.
      while ((await fake.outputSize()) < 3) await new Promise((r) => setTimeout(r, 10));
      yield new Uint8Array([4, 5]);
    }
    await stream(live(), { env: fake.env });
    assert.deepEqual([...(await fake.output())], [1, 2, 3, 4, 5]);
  });

  it("passes on the source's error and stops the player", async () => {
    const fake = await fakePlayers(["ffplay"]);
    async function* broken() {
      yield new Uint8Array([1]);
      throw new Error("socket closed");
    }
    await assert.rejects(stream(broken(), { env: fake.env }), /socket closed/);
  });

  it("stops playback on abort, even while the source is waiting", async () => {
    const fake = await fakePlayers(
      ["ffplay"],
      'echo $$ > "$FAKE_ARGS"; exec /bin/cat > "$FAKE_OUT"',
    );
    const controller = new AbortController();
    async function* stalled() {
      yield new Uint8Array([1]);
      while ((await fake.outputSize()) < 1) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      await new Promise(() => {}); // a network that never delivers again
    }
    await assert.rejects(
      stream(stalled(), { env: fake.env, signal: controller.signal }),
      APIUserAbortError,
    );
    const [pid] = await fake.args();
    assert.throws(() => process.kill(Number(pid), 0), { code: "ESRCH" }, "the player is gone");
  });

  it("uses only the player asked for", async () => {
    const fake = await fakePlayers(["ffplay"]);
    await assert.rejects(
      stream(new Uint8Array([1]), { env: fake.env, player: "mpv" }),
      (error: unknown) => {
        assert.ok(error instanceof FishAudioError);
        assert.match(error.message, /`mpv`/);
        assert.doesNotMatch(error.message, /needs `ffplay`/);
        return true;
      },
    );
  });
});
