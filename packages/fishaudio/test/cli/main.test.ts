import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CLI, ensureBuilt, finished, hasStack, runCli, startCli } from "./run-cli.js";

const require = createRequire(import.meta.url);

const pkg = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "package.json"), "utf8"),
);

before(ensureBuilt);

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("fishaudio (entry point)", () => {
  it("prints the package version with --version", async () => {
    const run = await runCli(["--version"]);
    assert.equal(run.code, 0);
    assert.equal(run.out, `${pkg.version}\n`);
  });

  it("lists every command in --help, with the environment and exit codes", async () => {
    for (const args of [["--help"], ["-h"], ["help"], []]) {
      const run = await runCli(args);
      assert.equal(run.code, 0, args.join(" "));
      for (const command of ["tts", "live", "voices", "asr", "credits", "serve"]) {
        assert.match(
          run.out,
          new RegExp(`^  ${command}\\b`, "m"),
          `${args.join(" ")} lists ${command}`,
        );
      }
      assert.match(run.out, /FISH_API_KEY/);
      assert.match(run.out, /Exit codes:/);
    }
  });

  it("has --help on every command and subcommand", async () => {
    const commands = [
      ["tts", ["--voice", "--format", "--play", "--file", "--local"]],
      ["live", ["--output", "--voice", "--local"]],
      ["voices list", ["--page-size", "--page", "--self", "--title", "--tag", "--all", "--json"]],
      ["voices get", ["--json"]],
      [
        "voices create",
        ["--title", "--sample", "--text", "--tag", "--visibility", "--description", "--cover"],
      ],
      ["voices update", ["--title", "--visibility", "--cover"]],
      ["voices delete", ["--json"]],
      ["asr", ["--json", "--srt", "--vtt", "--language"]],
      ["credits", ["--json"]],
      ["serve", ["--host", "--port", "--data-dir", "--api-key"]],
    ] as const;
    for (const [command, options] of commands) {
      for (const flag of ["--help", "-h"]) {
        const run = await runCli([...command.split(" "), flag]);
        assert.equal(run.code, 0, `${command} ${flag}: ${run.stderr}`);
        assert.ok(
          run.out.startsWith(`Usage: fishaudio ${command}`),
          `${command}: ${run.out.slice(0, 60)}`,
        );
        for (const line of run.out.split("\n")) {
          assert.ok(line.length <= 100, `${command} --help fits 100 columns: ${line}`);
        }
        for (const option of [...options, "--quiet", "--help"]) {
          assert.ok(run.out.includes(option), `${command} --help mentions ${option}`);
        }
      }
    }
    const help = await runCli(["help", "asr"]);
    assert.ok(help.out.startsWith("Usage: fishaudio asr FILE"));
    const group = await runCli(["voices", "--help"]);
    assert.equal(group.code, 0);
    for (const sub of ["list", "get", "create", "update", "delete"]) {
      assert.match(group.out, new RegExp(`voices ${sub}`));
    }
  });

  it("says to set FISH_API_KEY or use --local when there is no key (exit 3)", async () => {
    const run = await runCli(["credits"]);
    assert.equal(run.code, 3);
    assert.equal(
      run.stderr,
      "fishaudio: no API key: set FISH_API_KEY (create a key at https://fish.audio/app/api-keys) or use --local\n",
    );
  });

  it("names the URL it could not reach (exit 5)", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runCli(["credits"], { env: { FISH_API_KEY: "k", FISH_BASE_URL: url } });
    assert.equal(run.code, 5);
    assert.match(
      run.stderr,
      new RegExp(`^fishaudio: could not connect to ${url} \\(ECONNREFUSED\\): check FISH_BASE_URL`),
    );
    assert.ok(!hasStack(run.stderr));
    const live = await runCli(["live", "-o", "-"], {
      env: { FISH_API_KEY: "k", FISH_BASE_URL: url },
      input: "Hello\n",
    });
    assert.equal(live.code, 5);
    assert.match(
      live.stderr,
      new RegExp(`^fishaudio: could not connect to ${url} \\(ECONNREFUSED\\)`),
    );
  });

  it("rejects unknown commands and options with exit 2 and a pointer to help", async () => {
    const unknown = await runCli(["speak"]);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /unknown command "speak": the commands are tts, live, voices, asr, credits, serve/,
    );
    const inherited = await runCli(["toString"]);
    assert.equal(inherited.code, 2, "names from Object.prototype are not commands");
    assert.match(inherited.stderr, /unknown command "toString"/);
    const sub = await runCli(["voices", "constructor"]);
    assert.equal(sub.code, 2);
    assert.match(sub.stderr, /unknown subcommand "voices constructor"/);
    const option = await runCli(["--colour"]);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /unknown option --colour; see `fishaudio --help`/);
    const local = await runCli(["credits", "--data-dir", "/tmp/x"], { env: { FISH_API_KEY: "k" } });
    assert.equal(local.code, 2);
    assert.match(local.stderr, /--data-dir only applies with --local/);
  });

  it("accepts options before the command (fishaudio --quiet credits …)", async () => {
    const run = await runCli(["--quiet", "credits", "--json", "--bogus"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown option --bogus; see `fishaudio credits --help`/);
  });
});

describe("without fishaudio-local installed", () => {
  it("says to npm install it, for --local and for serve", async () => {
    // The built command alone, beside its one dependency, as in a project without the server.
    const solo = mkdtempSync(join(tmpdir(), "fishaudio-cli-solo-"));
    try {
      mkdirSync(join(solo, "node_modules"));
      symlinkSync(
        dirname(dirname(require.resolve("@msgpack/msgpack/package.json"))),
        join(solo, "node_modules", "@msgpack"),
      );
      copyFileSync(CLI, join(solo, "main.js"));
      for (const args of [["tts", "--local", "Hi", "-o", join(solo, "a.mp3")], ["serve"]]) {
        const child = spawn(process.execPath, [join(solo, "main.js"), ...args], { cwd: solo });
        const run = await finished(child);
        assert.equal(run.code, 1, run.stderr);
        assert.equal(
          run.stderr,
          "fishaudio: the local server is not installed: run `npm install fishaudio-local`, then retry\n",
        );
      }
      assert.ok(!existsSync(join(solo, "a.mp3")));
    } finally {
      rmSync(solo, { recursive: true, force: true });
    }
  });
});

describe("fishaudio serve", () => {
  it("prints URL and key, serves requests, and stops cleanly on SIGINT and SIGTERM", async () => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const dataDir = join(mkdtempSync(join(tmpdir(), "fishaudio-cli-serve-")), "data");
      const child = startCli(["serve", "--port", "0", "--data-dir", dataDir, "--json"]);
      const done = finished(child);
      const info = await new Promise<{ url: string; apiKey: string; dataDir: string }>(
        (resolve, reject) => {
          let text = "";
          child.stdout.on("data", (chunk: Buffer) => {
            text += chunk.toString();
            if (text.trimEnd().endsWith("}")) resolve(JSON.parse(text));
          });
          child.on("close", () => reject(new Error(`serve exited before listening: ${text}`)));
        },
      );
      try {
        assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(info.dataDir, dataDir);
        const credits = await runCli(["credits", "--json"], {
          env: { FISH_BASE_URL: info.url, FISH_API_KEY: info.apiKey },
        });
        assert.equal(credits.code, 0, credits.stderr);
        assert.match(JSON.parse(credits.out).credits.credit, /^\d+\.\d{2}$/);
      } finally {
        child.kill(signal);
        const run = await done;
        rmSync(dirname(dataDir), { recursive: true, force: true });
        assert.equal(run.code, 0, `exit after ${signal}: ${run.stderr}`);
      }
    }
  });

  it("says the port is taken when it is", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as { port: number };
    const dataDir = mkdtempSync(join(tmpdir(), "fishaudio-cli-serve-"));
    try {
      const run = await runCli(["serve", "--port", String(port), "--data-dir", dataDir]);
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use: pick another with --port`),
      );
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
