import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type LocalServer, startServer } from "fishaudio-local";
import { fakePlayerPath } from "../../fixtures/fake-players.js";
import { ensureBuilt, runCli } from "../run-cli.js";

let server: LocalServer;
let dir: string;
let env: Record<string, string>;

before(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "fishaudio-cli-design-"));
  server = await startServer({ host: "127.0.0.1", port: 0, dataDir: join(dir, "data") });
  env = { FISH_BASE_URL: server.url, FISH_API_KEY: server.apiKey };
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("fishaudio voices design", () => {
  it("writes n candidates into -o DIR and lists them", async () => {
    const out = join(dir, "designs", "nested");
    const run = await runCli(
      ["voices", "design", "warm, deep narrator", "-n", "3", "-o", out, "--seed", "7"],
      { env },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(readdirSync(out).sort(), [
      "candidate-1.wav",
      "candidate-2.wav",
      "candidate-3.wav",
    ]);
    for (const file of readdirSync(out)) {
      assert.equal(readFileSync(join(out, file)).subarray(0, 4).toString("latin1"), "RIFF");
    }
    const rows = run.out.trim().split("\n");
    assert.equal(rows.length, 4, run.out);
    assert.match(rows[0]!, /#\s+ID\s+SECONDS/);
    // The same seed again gives the same files.
    const again = join(dir, "again");
    await runCli(
      ["voices", "design", "warm, deep narrator", "-n", "3", "-o", again, "--seed", "7"],
      { env },
    );
    assert.deepEqual(
      readFileSync(join(again, "candidate-2.wav")),
      readFileSync(join(out, "candidate-2.wav")),
    );
  });

  it("plays every candidate in turn with --play", async () => {
    const heard = join(dir, "heard.wav");
    const { PATH } = await fakePlayerPath(join(dir, "players"), {
      ffplay: `/bin/cat >> "${heard}"`,
    });
    const out = join(dir, "played");
    const run = await runCli(["voices", "design", "a calm woman", "-n", "2", "--play", "-o", out], {
      env: { ...env, PATH },
    });
    assert.equal(run.code, 0, run.stderr);
    const files = ["candidate-1.wav", "candidate-2.wav"].map((f) => readFileSync(join(out, f)));
    assert.deepEqual(readFileSync(heard), Buffer.concat(files));
  });

  it("keeps candidate N as a voice with --keep N --title, printing its id", async () => {
    const run = await runCli(
      [
        "voices",
        "design",
        "an old man",
        "-n",
        "2",
        "--keep",
        "2",
        "--title",
        "Grandpa",
        "--tag",
        "designed",
      ],
      { env },
    );
    assert.equal(run.code, 0, run.stderr);
    const id = run.out.trim();
    assert.match(id, /^[0-9a-f]{32}$/);
    const shown = await runCli(["voices", "get", id, "--json"], { env });
    const voice = JSON.parse(shown.out) as { title: string; tags: string[]; samples: unknown[] };
    assert.equal(voice.title, "Grandpa");
    assert.deepEqual(voice.tags, ["designed"]);
    assert.equal(voice.samples.length, 1);
  });

  it("prints the candidates without their audio as --json", async () => {
    const run = await runCli(
      ["voices", "design", "a narrator", "-n", "1", "--json", "--seed", "1"],
      { env },
    );
    assert.equal(run.code, 0, run.stderr);
    const body = JSON.parse(run.out) as { candidates: Record<string, unknown>[] };
    assert.equal(body.candidates.length, 1);
    assert.equal("audio" in body.candidates[0]!, false);
    assert.ok((body.candidates[0]!.bytes as number) > 44);
    assert.equal(body.candidates[0]!.sampleRate, 44100);
  });

  it("refuses bad input before sending anything", async () => {
    const cases: [string[], RegExp][] = [
      [["voices", "design"], /describe the voice/],
      [["voices", "design", "x", "-n", "5"], /-n must be a whole number from 1 to 4/],
      [["voices", "design", "x", "--keep", "1"], /--keep needs a --title/],
      [["voices", "design", "x", "--title", "T"], /--title names a kept voice: add --keep N/],
      [["voices", "design", "x", "--keep", "3", "--title", "T"], /only 2 candidates/],
      [["voices", "design", "x", "--speed", "0"], /--speed must be above 0/],
    ];
    const before_ = server.usage().length;
    for (const [args, pattern] of cases) {
      const run = await runCli(args, { env });
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, pattern);
    }
    assert.equal(server.usage().length, before_, "nothing was charged");
  });
});
