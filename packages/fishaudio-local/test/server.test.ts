import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { startServer } from "fishaudio-local";
import { FakeEngines, tone, wavFile } from "./helpers/fake-engines.js";
import { msgpack } from "./helpers/server.js";

const SAMPLE = wavFile(tone(150, 0.3, 16000));
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "fishaudio-local-test-"));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function createVoice(url: string, key: string, title: string): Promise<string> {
  const res = await fetch(`${url}/model`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, ...msgpack({}).headers },
    body: msgpack({ title, voices: [SAMPLE], visibility: "private" }).body,
  });
  assert.equal(res.status, 201);
  return ((await res.json()) as { _id: string })._id;
}

describe("startServer", () => {
  it("listens on a free port on 127.0.0.1 and hands out a working key", async () => {
    const server = await startServer({ engines: new FakeEngines() });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(server.apiKeyCreated, true);
      const res = await fetch(`${server.url}/model`, {
        headers: { authorization: `Bearer ${server.apiKey}` },
      });
      assert.equal(res.status, 200);
    } finally {
      await server.close();
    }
  });

  it("keeps users, keys, voices, samples and balances across a restart of the same data directory", async () => {
    const dataDir = tempDir();
    const first = await startServer({ dataDir, apiKey: "restart-key", engines: new FakeEngines() });
    const id = await createVoice(first.url, first.apiKey, "Kept");
    const second = first.createUser({ nickname: "second", credits: 7 });
    const tts = await fetch(`${first.url}/v1/tts`, {
      method: "POST",
      headers: { authorization: "Bearer restart-key", ...msgpack({}).headers },
      body: msgpack({ text: "Hello", format: "pcm", reference_id: id }).body,
    });
    await tts.arrayBuffer();
    const credit = first.getCredits(first.userId);
    await first.close();

    const again = await startServer({ dataDir, apiKey: "restart-key", engines: new FakeEngines() });
    try {
      assert.equal(again.apiKeyCreated, false);
      assert.equal(again.userId, first.userId);
      const res = await fetch(`${again.url}/model/${id}`, {
        headers: { authorization: "Bearer restart-key" },
      });
      assert.equal(res.status, 200);
      const voice = (await res.json()) as {
        title: string;
        task_count: number;
        samples: Array<{ audio: string }>;
      };
      assert.equal(voice.title, "Kept");
      assert.equal(voice.task_count, 1);
      const sample = await fetch(new URL(new URL(voice.samples[0]!.audio).pathname, again.url), {
        headers: { authorization: "Bearer restart-key" },
      });
      assert.deepEqual(new Uint8Array(await sample.arrayBuffer()), SAMPLE);
      assert.equal(again.getCredits(first.userId), credit);
      assert.equal(again.getCredits(second.userId), "7.00");
      const wallet = await fetch(`${again.url}/wallet/self/api-credit`, {
        headers: { authorization: `Bearer ${second.apiKey}` },
      });
      assert.equal(((await wallet.json()) as { credit: string }).credit, "7.00");
      assert.equal(again.usage().length, 1);
    } finally {
      await again.close();
    }
  });

  it("creates a stored key on the first start only; later starts get a key for that run", async () => {
    const dataDir = tempDir();
    const get = (url: string, key: string) =>
      fetch(`${url}/model`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
    const first = await startServer({ dataDir, engines: new FakeEngines() });
    assert.equal(first.apiKeyCreated, true);
    const stored = first.apiKey;
    await first.close();
    const second = await startServer({ dataDir, engines: new FakeEngines() });
    assert.equal(second.apiKeyCreated, false);
    assert.notEqual(second.apiKey, stored);
    const session = second.apiKey;
    assert.equal(await get(second.url, stored), 200);
    assert.equal(await get(second.url, session), 200);
    await second.close();
    const third = await startServer({ dataDir, engines: new FakeEngines() });
    try {
      assert.equal(await get(third.url, stored), 200);
      assert.equal(await get(third.url, session), 401);
    } finally {
      await third.close();
    }
  });

  it("stores API keys only as hashes", async () => {
    const dataDir = tempDir();
    const server = await startServer({
      dataDir,
      apiKey: "plain-text-key-123",
      engines: new FakeEngines(),
    });
    const made = server.createApiKey();
    await server.close();
    for (const file of readdirSync(dataDir)) {
      const bytes = readFileSync(join(dataDir, file)).toString("latin1");
      assert.ok(!bytes.includes("plain-text-key-123"), file);
      assert.ok(!bytes.includes(made), file);
    }
  });

  it("removes its temporary data directory on close", async () => {
    const server = await startServer({ engines: new FakeEngines() });
    const dir = server.dataDir;
    await server.close();
    assert.throws(() => readdirSync(dir));
  });

  it("loses no acknowledged write when killed with SIGKILL mid-write", async () => {
    const dataDir = tempDir();
    const child = fileURLToPath(new URL("./helpers/server-child.ts", import.meta.url));
    const spawnServer = () =>
      new Promise<{ url: string; kill: () => Promise<void> }>((resolve, reject) => {
        const proc = spawn(
          process.execPath,
          ["--conditions=fishaudio-source", "--import", "tsx", child, dataDir, "kill-key"],
          {
            stdio: ["ignore", "pipe", "inherit"],
          },
        );
        proc.stdout.on("data", (chunk: Buffer) => {
          const match = /READY (\S+)/.exec(chunk.toString());
          if (match) {
            resolve({
              url: match[1]!,
              kill: () =>
                new Promise((done) => {
                  proc.once("exit", () => done());
                  proc.kill("SIGKILL");
                }),
            });
          }
        });
        proc.once("error", reject);
        proc.once("exit", (code) => reject(new Error(`server exited early with ${code}`)));
      });

    const first = await spawnServer();
    const acknowledged: string[] = [];
    // Keep writes flowing and kill the process while some are in flight.
    const writer = (async () => {
      for (let i = 0; ; i++) {
        try {
          acknowledged.push(await createVoice(first.url, "kill-key", `v${i}`));
        } catch {
          return;
        }
      }
    })();
    while (acknowledged.length < 15) await new Promise((r) => setTimeout(r, 5));
    await first.kill();
    await writer;

    const db = new Database(join(dataDir, "fishaudio-local.sqlite3"));
    assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
    db.close();
    const second = await spawnServer();
    try {
      for (const id of acknowledged) {
        const res = await fetch(`${second.url}/model/${id}`, {
          headers: { authorization: "Bearer kill-key" },
        });
        assert.equal(res.status, 200, `voice ${id} acknowledged before the kill is missing`);
        const voice = (await res.json()) as { samples: unknown[] };
        assert.equal(voice.samples.length, 1);
      }
    } finally {
      await second.kill();
    }
  });
});
