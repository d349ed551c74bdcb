import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type LocalServer, startServer } from "fishaudio-local";
import { fakePlayerPath } from "../../fixtures/fake-players.js";
import { ensureBuilt, finished, hasStack, measure, runCli, startCli } from "../run-cli.js";

let server: LocalServer;
let dir: string;
let env: Record<string, string>;

before(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "fishaudio-cli-tts-"));
  server = await startServer({ host: "127.0.0.1", port: 0, dataDir: join(dir, "data") });
  env = { FISH_BASE_URL: server.url, FISH_API_KEY: server.apiKey };
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** ASR of the produced audio through the CLI itself: the words must come back. */
async function transcribe(path: string): Promise<string> {
  const run = await runCli(["asr", path], { env });
  assert.equal(run.code, 0, run.stderr);
  return run.out.toLowerCase();
}

describe("fishaudio tts", () => {
  it("writes a playable mp3 of the text to -o", async () => {
    const path = join(dir, "hello.mp3");
    const run = await runCli(["tts", "Hello from Fish Audio", "-o", path], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.out, "", "nothing on stdout when writing a file");
    assert.equal(run.stderr, "", "no progress or notes when stderr is not a terminal");
    const bytes = readFileSync(path);
    assert.ok(bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0, "starts with an MPEG frame sync");
    const audio = await measure(bytes);
    assert.equal(audio.sampleRate, 44_100);
    assert.ok(audio.seconds > 0.7 && audio.seconds < 5, `duration ${audio.seconds} s`);
    assert.ok(audio.rms > 0.01, `audible (rms ${audio.rms})`);
    const heard = await transcribe(path);
    assert.match(heard, /hello/);
    assert.match(heard, /fish/);
  });

  it("picks the format from the extension and honours --sample-rate", async () => {
    const path = join(dir, "rate.wav");
    const run = await runCli(["tts", "Sixteen kilohertz", "-o", path, "--sample-rate", "16000"], {
      env,
    });
    assert.equal(run.code, 0, run.stderr);
    const bytes = readFileSync(path);
    assert.equal(bytes.subarray(0, 4).toString("latin1"), "RIFF");
    assert.equal(bytes.subarray(8, 12).toString("latin1"), "WAVE");
    assert.equal(bytes.readUInt32LE(24), 16_000, "fmt sample rate");
    assert.equal(bytes.readUInt16LE(34), 16, "16-bit");
    const audio = await measure(bytes);
    assert.ok(audio.seconds > 0.5 && audio.seconds < 5, `duration ${audio.seconds} s`);
  });

  it("writes audio to stdout when it is a pipe, reading the text from stdin", async () => {
    const run = await runCli(["tts", "--format", "opus"], {
      env,
      input: "Piped into the command\n",
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.subarray(0, 4).toString("latin1"), "OggS");
    assert.ok(run.stdout.includes(Buffer.from("OpusHead")), "an Ogg Opus stream");
    const audio = await measure(run.stdout);
    assert.equal(audio.sampleRate, 48_000);
    assert.ok(audio.seconds > 0.7 && audio.seconds < 6, `duration ${audio.seconds} s`);
  });

  it("reads --file and prints a JSON summary that matches the file", async () => {
    const text = join(dir, "speech.txt");
    writeFileSync(text, "The quick brown fox jumps over the lazy dog.\n");
    const path = join(dir, "fox.pcm");
    const run = await runCli(
      ["tts", "--file", text, "-o", path, "--sample-rate", "16000", "--json"],
      {
        env,
      },
    );
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.out);
    const size = readFileSync(path).length;
    assert.equal(summary.output, path);
    assert.equal(summary.format, "pcm");
    assert.equal(summary.bytes, size);
    assert.equal(summary.seconds, size / 2 / 16_000, "pcm seconds = bytes / 2 / rate");
    assert.ok(summary.seconds > 1 && summary.seconds < 8, `duration ${summary.seconds} s`);
    assert.equal(typeof summary.firstAudioSeconds, "number");
  });

  it("speaks with a voice given by --voice, and fails clearly for an unknown one", async () => {
    const path = join(dir, "voice.mp3");
    const ok = await runCli(["tts", "Guten Tag", "--voice", "espeak-de", "-o", path], { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok((await measure(readFileSync(path))).seconds > 0.3);

    const missing = join(dir, "missing.mp3");
    const run = await runCli(["tts", "Hello", "--voice", "no-such-voice", "-o", missing], { env });
    assert.equal(run.code, 4);
    assert.match(
      run.stderr,
      /^fishaudio: voice "no-such-voice" not found: see `fishaudio voices list`/,
    );
    assert.equal(run.stderr.trim().split("\n").length, 1, "one line");
    assert.ok(!hasStack(run.stderr));
    assert.ok(!existsSync(missing), "no partial file is left behind");
  });

  it("writes SRT and WebVTT subtitles beside the audio, and the words with --timestamps --json", async () => {
    const audio = join(dir, "subtitled.wav");
    const srt = join(dir, "subtitled.srt");
    const vtt = join(dir, "subtitled.vtt");
    const run = await runCli(
      ["tts", "Hello there. How are you today?", "-o", audio, "--srt", srt, "--vtt", vtt].concat([
        "--timestamps",
        "--json",
      ]),
      { env },
    );
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.out);
    assert.deepEqual(
      summary.words.map((w: { text: string }) => w.text),
      ["Hello", "there", "How", "are", "you", "today"],
    );
    for (const w of summary.words) assert.ok(w.end >= w.start && w.end <= summary.seconds + 0.01);
    assert.match(
      readFileSync(srt, "utf8"),
      /^1\n00:00:00,\d{3} --> 00:00:0\d,\d{3}\nHello there How are you today\n$/,
    );
    assert.match(
      readFileSync(vtt, "utf8"),
      /^WEBVTT\n\n00:00:00\.\d{3} --> 00:00:0\d\.\d{3}\nHello there How are you today\n$/,
    );
    assert.ok((await measure(readFileSync(audio))).seconds > 1);
  });

  it("speaks a dialogue script with a voice per speaker", async () => {
    const script = join(dir, "scene.txt");
    writeFileSync(
      script,
      "# a short scene\nALICE: Good morning.\nBOB: Morning! [pause] How are you?\nAlice: Fine, thanks.\n",
    );
    const audio = join(dir, "scene.wav");
    const run = await runCli(
      ["tts", "--script", script, "--voice", "ALICE=flite-slt", "--voice", "BOB=flite-rms"].concat([
        "-o",
        audio,
        "--json",
        "--timestamps",
      ]),
      { env },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      JSON.parse(run.out).words.map((w: { text: string }) => w.text),
      ["Good", "morning", "Morning", "How", "are", "you", "Fine", "thanks"],
    );
    const said = await transcribe(audio);
    assert.doesNotMatch(said, /pause|alice|bob/);

    const cases: [string[], RegExp][] = [
      [
        ["--voice", "ALICE=flite-slt"],
        /no voice for BOB: give each speaker one with --voice NAME=ID/,
      ],
      [
        ["--voice", "ALICE=flite-slt", "--voice", "BOB=flite-rms", "--voice", "EVE=flite-awb"],
        /--voice EVE=… names no speaker of the script \(its speakers: ALICE, BOB\)/,
      ],
      [["--voice", "flite-rms"], /--script needs a voice per speaker: --voice NAME=ID for each/],
    ];
    for (const [voices, pattern] of cases) {
      const bad = await runCli(["tts", "--script", script, ...voices, "-o", audio], { env });
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, pattern);
    }
    const noJson = await runCli(["tts", "Hi", "--timestamps", "-o", audio], { env });
    assert.equal(noJson.code, 2);
    assert.match(noJson.stderr, /--timestamps adds the words to the --json summary: add --json/);
  });

  it("refuses bad input before sending anything", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["tts", "Hi", "--speed", "3", "-o", join(dir, "x.mp3")],
        /--speed must be a number from 0.5 to 2, got "3"/,
      ],
      [
        ["tts", "Hi", "--format", "flac", "-o", join(dir, "x.flac")],
        /--format must be one of mp3, wav, pcm, opus/,
      ],
      [
        ["tts", "Hi", "-o", join(dir, "no", "such", "dir.mp3")],
        /cannot write .*dir\.mp3: its folder does not exist/,
      ],
      [
        ["tts", "Hi", "--file", join(dir, "nope.txt")],
        /give the text either as an argument or with --file, not both/,
      ],
      [
        ["tts", "--file", join(dir, "nope.txt"), "-o", join(dir, "x.mp3")],
        /text file not found: .*nope\.txt/,
      ],
      [["tts", "-o", join(dir, "x.mp3")], /the text is empty/],
      [["tts", "Hi", "--json"], /--json prints on stdout, so it needs -o FILE or --play/],
      [["tts", "Hi", "--bogus"], /unknown option --bogus; see `fishaudio tts --help`/],
    ];
    for (const [args, pattern] of cases) {
      const run = await runCli(args, { env });
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, pattern);
      assert.ok(!hasStack(run.stderr));
    }
    assert.ok(!existsSync(join(dir, "x.mp3")));
  });

  it("plays through the player (--play) as the audio arrives, and can also keep a copy", async () => {
    // A stand-in ffplay that records what it is fed, as the real one would play it.
    const heard = join(dir, "played.mp3");
    const { PATH } = await fakePlayerPath(join(dir, "players"), {
      ffplay: `/bin/cat > "${heard}"`,
    });
    const path = join(dir, "copy.mp3");
    const run = await runCli(["tts", "Played out loud", "--play", "-o", path], {
      env: { ...env, PATH },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(readFileSync(heard), readFileSync(path), "the player got exactly the audio");
    assert.ok((await measure(readFileSync(heard))).seconds > 0.5);
  });

  it("says how to get a player when there is none", async () => {
    const path = join(dir, "unplayed.mp3");
    const run = await runCli(["tts", "Hi", "--play", "-o", path], { env: { ...env, PATH: "" } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no audio player found: .*ffplay.*mpv.*-o FILE/);
    assert.ok(!existsSync(path), "nothing was written");
  });
});

describe("fishaudio live", () => {
  it("speaks each stdin line over the WebSocket into -o", async () => {
    const path = join(dir, "live.mp3");
    const input = "First line of the session.\n\nSecond line follows.\n";
    const run = await runCli(["live", "-o", path], { env, input });
    assert.equal(run.code, 0, run.stderr);
    const audio = await measure(readFileSync(path));
    assert.ok(audio.seconds > 1.5 && audio.seconds < 10, `duration ${audio.seconds} s`);
    const heard = await transcribe(path);
    assert.match(heard, /first/);
    assert.match(heard, /second/);
  });

  it("fails clearly for an unknown voice, leaving no file", async () => {
    const path = join(dir, "live-missing.mp3");
    const run = await runCli(["live", "--voice", "no-such-voice", "-o", path], {
      env,
      input: "Hi\n",
    });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /^fishaudio: voice "no-such-voice" not found/);
    assert.ok(!hasStack(run.stderr));
    assert.ok(!existsSync(path));
  });

  it("keeps what was spoken when interrupted with Ctrl-C (SIGINT)", async () => {
    const path = join(dir, "interrupted.mp3");
    const child = startCli(["live", "-o", path], { env, openStdin: true });
    const done = finished(child);
    child.stdin.write("This line is spoken before the interrupt.\n");
    // Wait until audio has reached the file (stdin stays open, as when someone is typing).
    for (let i = 0; i < 600 && !(existsSync(path) && statSync(path).size > 12_000); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill("SIGINT");
    const run = await done;
    assert.equal(run.code, 130, run.stderr);
    assert.equal(run.stderr, "fishaudio: interrupted\n");
    const audio = await measure(readFileSync(path));
    assert.ok(audio.seconds > 0.5, `kept ${audio.seconds} s`);
  });

  it("streams to stdout with -o -", async () => {
    const run = await runCli(["live", "-o", "-", "--format", "wav"], {
      env,
      input: "Realtime audio\n",
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.subarray(0, 4).toString("latin1"), "RIFF");
    assert.ok((await measure(run.stdout)).seconds > 0.5);
  });
});

describe("--local", () => {
  it("starts the local server in-process with its own data directory", async () => {
    const path = join(dir, "local.mp3");
    const data = join(dir, "local-data");
    const run = await runCli(["tts", "--local", "Hello from Fish Audio", "-o", path], {
      env: { FISH_LOCAL_DATA_DIR: data },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(existsSync(join(data)), "the data directory from FISH_LOCAL_DATA_DIR is used");
    const audio = await measure(readFileSync(path));
    assert.ok(audio.seconds > 0.7 && audio.seconds < 5, `duration ${audio.seconds} s`);
  });
});
