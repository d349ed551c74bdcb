/**
 * Authentication and isolation: no key, a wrong key or a malformed header is refused on every
 * endpoint (HTTP and the WebSocket upgrade); a second user cannot see, use, change or delete the
 * first user's private voice; and no key, right or wrong, ever shows up in the server's output.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { decode } from "@msgpack/msgpack";
import WebSocket from "ws";
import { json, msgpack, sineWav, ttsRequest, urlencoded, voiceMultipart } from "./payloads.js";
import { assertErrorShape, type RawRequest, rawRequest } from "./raw-http.js";
import { type ServerProcess, spawnServer } from "./server-process.js";

const OWNER_KEY = "owner-key-7f3a9c2e51d84b06";
const WRONG_KEYS = ["wrong-key-2b8e4f1a9d7c3e05", "WRONGKEY-0000-1111-2222", "a".repeat(300)];

/** Every endpoint, as a request with a well-formed body (auth headers added per case). */
function endpoints(voiceId: string): RawRequest[] {
  const wav = sineWav(0.3);
  const form = voiceMultipart(wav);
  return [
    {
      method: "POST",
      path: "/v1/tts",
      headers: { "content-type": "application/json" },
      body: json(ttsRequest()),
    },
    {
      method: "POST",
      path: "/v1/asr",
      headers: { "content-type": "application/msgpack" },
      body: msgpack({ audio: wav }),
    },
    { method: "GET", path: "/model" },
    { method: "GET", path: `/model/${voiceId}` },
    {
      method: "POST",
      path: "/model",
      headers: { "content-type": form.contentType },
      body: form.body,
    },
    {
      method: "PATCH",
      path: `/model/${voiceId}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: urlencoded({ title: "x" }),
    },
    { method: "DELETE", path: `/model/${voiceId}` },
    { method: "GET", path: "/wallet/self/api-credit" },
    { method: "GET", path: "/wallet/self/package" },
  ];
}

function withAuth(request: RawRequest, authorization: string | undefined): RawRequest {
  const headers = { ...request.headers };
  if (authorization !== undefined) headers.authorization = authorization;
  return { ...request, headers };
}

/** The status of a WebSocket upgrade attempt (101 when it was accepted). */
function upgradeStatus(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/v1/tts/live`, { headers });
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on("open", () => {
      ws.terminate();
      resolve({ status: 101, body: "" });
    });
    ws.on("error", (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

describe("local server: authentication and isolation", () => {
  let server: ServerProcess;
  let dataDir: string;
  let privateVoice: string;
  let otherKey: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "fishaudio-auth-"));
    server = await spawnServer({ dataDir, apiKey: OWNER_KEY, extraUsers: 1, rateLimit: false });
    otherKey = server.users[0]!.apiKey;
    const form = voiceMultipart(sineWav(0.5), {
      type: "tts",
      title: "Owner's private voice",
      train_mode: "fast",
      visibility: "private",
    });
    const created = await rawRequest(server.url, {
      method: "POST",
      path: "/model",
      headers: { authorization: `Bearer ${OWNER_KEY}`, "content-type": form.contentType },
      body: form.body,
    });
    assert.equal(created.status, 201, created.body.toString());
    privateVoice = (JSON.parse(created.body.toString()) as { _id: string })._id;
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const badHeaders: [string, string | undefined][] = [
    ["no Authorization header", undefined],
    ["an empty header", ""],
    ["a wrong key", `Bearer ${WRONG_KEYS[0]}`],
    ["another wrong key", `Bearer ${WRONG_KEYS[1]}`],
    ["a 300-character key", `Bearer ${WRONG_KEYS[2]}`],
    ["Basic instead of Bearer", `Basic ${Buffer.from(`u:${OWNER_KEY}`).toString("base64")}`],
    ["Bearer without a key", "Bearer"],
    ["the key without Bearer", OWNER_KEY],
    ["two tokens", `Bearer ${OWNER_KEY} extra`],
  ];

  for (const [name, authorization] of badHeaders) {
    it(`${name}: 401 {status, message} on every endpoint and on the WebSocket upgrade`, async () => {
      for (const request of endpoints(privateVoice)) {
        const res = await rawRequest(server.url, withAuth(request, authorization));
        const what = `${request.method} ${request.path} with ${name}`;
        assert.equal(res.status, 401, `${what}: ${res.body.toString().slice(0, 200)}`);
        assertErrorShape(res, what);
      }
      const upgrade = await upgradeStatus(
        server.url,
        authorization === undefined ? {} : { authorization },
      );
      assert.equal(upgrade.status, 401, `WS upgrade with ${name}`);
      assert.deepEqual(Object.keys(JSON.parse(upgrade.body)).sort(), ["message", "status"]);
    });
  }

  it("the owner's key works (control), so the 401s above are about the key", async () => {
    const res = await rawRequest(server.url, {
      method: "GET",
      path: `/model/${privateVoice}`,
      headers: { authorization: `Bearer ${OWNER_KEY}` },
    });
    assert.equal(res.status, 200);
  });

  it("another user cannot read, list, use, change or delete a private voice", async () => {
    const as = (request: RawRequest) =>
      rawRequest(server.url, withAuth(request, `Bearer ${otherKey}`));
    for (const path of [
      `/model/${privateVoice}`,
      `/model/${privateVoice}/cover`,
      `/model/${privateVoice}/samples/0`,
    ]) {
      const res = await as({ method: "GET", path });
      assert.ok([403, 404].includes(res.status), `GET ${path}: ${res.status}`);
      assertErrorShape(res, `GET ${path}`);
    }
    for (const query of [
      "",
      "?self=false&page_size=100",
      "?self=true&page_size=100",
      "?title=Owner",
    ]) {
      const res = await as({ method: "GET", path: `/model${query}` });
      assert.equal(res.status, 200);
      assert.ok(
        !res.body.toString().includes(privateVoice),
        `listed to another user: /model${query}`,
      );
    }
    const patch = await as({
      method: "PATCH",
      path: `/model/${privateVoice}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: urlencoded({ title: "Stolen", visibility: "public" }),
    });
    assert.ok([403, 404].includes(patch.status), `PATCH: ${patch.status}`);
    const del = await as({ method: "DELETE", path: `/model/${privateVoice}` });
    assert.ok([403, 404].includes(del.status), `DELETE: ${del.status}`);
    const tts = await as({
      method: "POST",
      path: "/v1/tts",
      headers: { "content-type": "application/msgpack" },
      body: msgpack({ ...ttsRequest(), reference_id: privateVoice }),
    });
    assert.ok(tts.status >= 400 && tts.status < 500, `TTS with the voice: ${tts.status}`);
    assertErrorShape(tts, "TTS with another user's voice");

    // The owner still has it, unchanged.
    const mine = await rawRequest(server.url, {
      method: "GET",
      path: `/model/${privateVoice}`,
      headers: { authorization: `Bearer ${OWNER_KEY}` },
    });
    assert.equal(mine.status, 200);
    const voice = JSON.parse(mine.body.toString()) as { title: string; visibility: string };
    assert.equal(voice.title, "Owner's private voice");
    assert.equal(voice.visibility, "private");
  });

  it("another user's realtime session with the private voice ends in finish/error, no audio", async () => {
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/v1/tts/live`, {
      headers: { authorization: `Bearer ${otherKey}` },
    });
    const frames: Record<string, unknown>[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on("error", reject);
      ws.on("open", () => {
        ws.send(
          msgpack({
            event: "start",
            request: { ...ttsRequest(), text: "", reference_id: privateVoice },
          }),
        );
        ws.send(msgpack({ event: "text", text: "Hello there." }));
        ws.send(msgpack({ event: "stop" }));
      });
      ws.on("message", (data: Buffer) => frames.push(decode(data) as Record<string, unknown>));
      ws.on("close", () => resolve());
    });
    assert.ok(
      !frames.some((f) => f.event === "audio"),
      "audio was produced with another user's voice",
    );
    const last = frames.at(-1);
    assert.equal(last?.event, "finish");
    assert.equal(last?.reason, "error");
    assert.equal(typeof last?.message, "string");
  });

  it("no key (owner's, the other user's or a wrong one) appears in the server's output", () => {
    const output = server.output();
    assert.ok(output.length > 0, "the server logged nothing at all; the check would be empty");
    for (const key of [OWNER_KEY, otherKey, ...WRONG_KEYS]) {
      assert.ok(!output.includes(key), `key ${key.slice(0, 12)}… found in the server output`);
    }
    assert.ok(!/Bearer\s+\S/.test(output), "an Authorization value was logged");
  });
});

describe("fishaudio-local serve (the CLI): keys stay out of its output", () => {
  it("requests with right and wrong keys, then SIGTERM: the output never holds a key", async () => {
    const repo = fileURLToPath(new URL("../../../../", import.meta.url));
    const cli = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
    const dataDir = mkdtempSync(join(tmpdir(), "fishaudio-auth-cli-"));
    const key = "cli-key-9d1e7b3f0a2c4e68";
    const child = spawn(
      process.execPath,
      [
        "--conditions=fishaudio-source",
        "--import",
        "tsx",
        cli,
        "serve",
        "--port",
        "0",
        "--data-dir",
        dataDir,
        "--api-key",
        key,
      ],
      { cwd: repo, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    try {
      const deadline = Date.now() + 60_000;
      let url: string | undefined;
      while (!url && Date.now() < deadline) {
        url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
        if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(url, `the CLI never said where it listens:\n${output}`);
      for (const authorization of [`Bearer ${key}`, ...WRONG_KEYS.map((k) => `Bearer ${k}`), key]) {
        await rawRequest(url, { method: "GET", path: "/model", headers: { authorization } });
        await rawRequest(url, {
          method: "POST",
          path: "/v1/tts",
          headers: { authorization, "content-type": "application/json" },
          body: json({ text: "Hi." }),
        });
      }
      await upgradeStatus(url, { authorization: `Bearer ${WRONG_KEYS[0]}` });
    } finally {
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
    assert.match(
      output,
      /GET \/model 401/,
      "request logging is on, so the check has something to read",
    );
    for (const secret of [key, ...WRONG_KEYS]) {
      assert.ok(
        !output.includes(secret),
        `key ${secret.slice(0, 12)}… found in the CLI output:\n${output}`,
      );
    }
  });
});
