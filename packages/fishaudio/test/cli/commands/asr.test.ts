import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type LocalServer, startServer } from "fishaudio-local";
import { fixture } from "../../fixtures/fixtures.js";
import { ensureBuilt, hasStack, runCli } from "../run-cli.js";

const JFK = fixture("jfk.wav");
let server: LocalServer;
let dir: string;
let env: Record<string, string>;

before(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "fishaudio-cli-asr-"));
  server = await startServer({ host: "127.0.0.1", port: 0, dataDir: join(dir, "data") });
  env = { FISH_BASE_URL: server.url, FISH_API_KEY: server.apiKey };
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const TIME = String.raw`(\d{2}):(\d{2}):(\d{2})[,.](\d{3})`;
const seconds = (m: RegExpMatchArray, at: number) =>
  Number(m[at]) * 3600 + Number(m[at + 1]) * 60 + Number(m[at + 2]) + Number(m[at + 3]) / 1000;

/** Checks cue timings: well-formed, inside the audio, in order, each ending after it starts. */
function checkCues(timings: RegExpMatchArray[], duration: number): void {
  assert.ok(timings.length >= 2, "several cues for 11 s of speech");
  let previousEnd = 0;
  for (const m of timings) {
    const start = seconds(m, 1);
    const end = seconds(m, 5);
    assert.ok(start >= previousEnd - 1e-9, `cues in order: ${m[0]}`);
    assert.ok(end > start, `cue has length: ${m[0]}`);
    assert.ok(end <= duration + 0.5, `cue inside the audio: ${m[0]}`);
    previousEnd = end;
  }
}

describe("fishaudio asr", () => {
  it("prints the transcript as plain text", async () => {
    const run = await runCli(["asr", JFK], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.out, /what your country can do for you/i);
    assert.ok(run.out.endsWith("\n") && !run.out.includes("{"));
  });

  it("gives text, duration and timed segments with --json", async () => {
    const run = await runCli(["asr", JFK, "--json", "--language", "en"], { env });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.out);
    assert.match(result.text, /country/i);
    assert.ok(Math.abs(result.duration - 11) < 0.5, `duration ${result.duration}`);
    assert.ok(result.segments.length >= 2);
    for (const segment of result.segments) {
      assert.equal(typeof segment.text, "string");
      assert.ok(segment.end >= segment.start);
    }
  });

  it("writes well-formed SubRip subtitles with --srt", async () => {
    const run = await runCli(["asr", JFK, "--srt"], { env });
    assert.equal(run.code, 0, run.stderr);
    const blocks = run.out.trimEnd().split("\n\n");
    const timings = blocks.map((block, i) => {
      const lines = block.split("\n");
      assert.equal(lines[0], String(i + 1), "cues numbered from 1");
      const m = lines[1]!.match(new RegExp(`^${TIME} --> ${TIME}$`));
      assert.ok(m, `timing line: ${lines[1]}`);
      assert.ok(lines.length >= 3 && lines[2]!.trim() !== "", "cue text");
      return m;
    });
    checkCues(timings, 11);
    assert.match(run.out, /country/i);
  });

  it("writes well-formed WebVTT with --vtt, to a file with -o", async () => {
    const path = join(dir, "jfk.vtt");
    const run = await runCli(["asr", JFK, "--vtt", "-o", path], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.out, "");
    const vtt = readFileSync(path, "utf8");
    assert.ok(vtt.startsWith("WEBVTT\n\n"));
    const blocks = vtt.trimEnd().split("\n\n").slice(1);
    const timings = blocks.map((block) => {
      const [timing, text] = block.split("\n");
      const m = timing!.match(new RegExp(`^${TIME} --> ${TIME}$`));
      assert.ok(m, `timing line: ${timing}`);
      assert.ok(m[0].includes("."), "WebVTT uses a dot before the milliseconds");
      assert.ok(text?.trim());
      return m;
    });
    checkCues(timings, 11);
  });

  it("reads audio from stdin with -", async () => {
    const run = await runCli(["asr", "-"], { env, input: readFileSync(JFK) });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.out, /country/i);
  });

  it("explains a missing file, a text file and conflicting flags", async () => {
    const cases: [string[], RegExp][] = [
      [["asr", join(dir, "nope.wav")], /audio file not found: .*nope\.wav/],
      [["asr", join(import.meta.dirname, "asr.test.ts")], /asr\.test\.ts does not look like audio/],
      [["asr", JFK, "--srt", "--vtt"], /choose one of --srt, --vtt/],
      [["asr"], /which audio file\? usage: fishaudio asr FILE/],
    ];
    for (const [args, pattern] of cases) {
      const run = await runCli(args, { env });
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, pattern);
      assert.ok(!hasStack(run.stderr));
    }
  });
});

describe("fishaudio credits", () => {
  it("shows the balance and package, and the same as JSON", async () => {
    const run = await runCli(["credits"], { env });
    assert.equal(run.code, 0, run.stderr);
    const balance = server.getCredits(server.userId);
    assert.match(run.out, new RegExp(`^Credits:\\s+${balance.replace(".", "\\.")}$`, "m"));
    assert.match(run.out, /^Package:\s+\S+/m);
    const json = JSON.parse((await runCli(["credits", "--json"], { env })).out);
    assert.equal(json.credits.credit, balance);
    assert.equal(json.credits.userId, server.userId);
    assert.equal(typeof json.package.balance, "number");
  });
});
