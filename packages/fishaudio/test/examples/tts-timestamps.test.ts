// The README's timestamps, subtitles, dialogue and cues example runs as a user runs it: a child
// process with only FISH_API_KEY and FISH_BASE_URL, against the real local server.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type Integration, startIntegration } from "../integration/setup.js";

const packageDir = fileURLToPath(new URL("../../", import.meta.url));
const example = join(packageDir, "examples", "tts-timestamps.ts");

let it_: Integration;
let dir: string;
before(async () => {
  it_ = await startIntegration();
  dir = mkdtempSync(join(tmpdir(), "fishaudio-example-"));
});
after(async () => {
  await it_.server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("examples/tts-timestamps.ts", () => {
  it("writes the audio, SRT and WebVTT subtitles and a two-voice dialogue, printing the words", async () => {
    const out = join(dir, "out.mp3");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--conditions=fishaudio-source",
        "--import",
        "tsx",
        example,
        "[happy] Hello there. [pause] Nice to meet you.",
        out,
      ],
      {
        cwd: packageDir,
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          FISH_API_KEY: it_.server.apiKey,
          FISH_BASE_URL: it_.server.url,
        },
      },
    );
    assert.ok(readFileSync(out).byteLength > 1000);
    assert.ok(readFileSync(join(dir, "out.dialogue.mp3")).byteLength > 1000);
    const timed = [...stdout.matchAll(/^\d+\.\d\d–\d+\.\d\d s {2}(\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual(timed, ["Hello", "there", "Nice", "to", "meet", "you"]);
    assert.match(stdout, /^dialogue: Good morning Morning Keep it down$/m);
    assert.match(
      readFileSync(join(dir, "out.srt"), "utf8"),
      /^1\n00:00:00,\d{3} --> 00:00:0\d,\d{3}\nHello there Nice to meet you\n/,
    );
    assert.match(
      readFileSync(join(dir, "out.vtt"), "utf8"),
      /^WEBVTT\n\n00:00:00\.\d{3} --> 00:00:0\d\.\d{3}\nHello there Nice to meet you\n/,
    );
  });
});
