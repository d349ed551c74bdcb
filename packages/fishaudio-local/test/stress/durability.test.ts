/**
 * Crash durability: the server child is SIGKILLed in the middle of a burst of voice creations,
 * updates and deletions, then restarted on the same data directory. Every write the client saw
 * acknowledged (2xx) must be there (a deleted voice must stay deleted), and SQLite's own
 * integrity check must pass. Three rounds, each killing at a different moment.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { sineWav, urlencoded, voiceMultipart } from "../faults/payloads.js";
import { Prng } from "../faults/prng.js";
import { rawRequest } from "../faults/raw-http.js";
import { type ServerProcess, spawnServer } from "../faults/server-process.js";

const API_KEY = "durability-key-5e2c8a1f7b3d9064";
const WORKERS = 8;

/** What the client knows about one voice: the last acknowledged state and any write in flight. */
interface Known {
  id: string;
  /** Titles the voice may have after the crash: the last acknowledged one, plus one in flight. */
  titles: Set<string>;
  deleted: "no" | "acked" | "in-flight";
}

const auth = { authorization: `Bearer ${API_KEY}` };
const WAV = sineWav(0.5);

async function createVoice(url: string, title: string): Promise<string | undefined> {
  const form = voiceMultipart(WAV, {
    type: "tts",
    title,
    train_mode: "fast",
    visibility: "private",
  });
  try {
    const res = await rawRequest(url, {
      method: "POST",
      path: "/model",
      headers: { ...auth, "content-type": form.contentType },
      body: form.body,
    });
    return res.status === 201
      ? (JSON.parse(res.body.toString()) as { _id: string })._id
      : undefined;
  } catch {
    return undefined; // the crash cut this request off: not acknowledged
  }
}

/** "yes" for a 2xx, "no" for any other answer, "unknown" when no answer came (the crash). */
async function outcome(request: Promise<{ status: number }>): Promise<"yes" | "no" | "unknown"> {
  try {
    const res = await request;
    return res.status >= 200 && res.status < 300 ? "yes" : "no";
  } catch {
    return "unknown";
  }
}

/** One worker: create, rename a few times, sometimes delete; until the server dies. */
async function worker(url: string, id: number, rng: Prng, known: Known[], alive: () => boolean) {
  for (let n = 0; alive(); n++) {
    const title = `w${id}-v${n}`;
    const voiceId = await createVoice(url, title);
    if (!voiceId) continue;
    const entry: Known = { id: voiceId, titles: new Set([title]), deleted: "no" };
    known.push(entry);
    for (let r = 0; r < rng.int(4) && alive(); r++) {
      const renamed = `${title}-r${r}`;
      const before = new Set(entry.titles);
      entry.titles.add(renamed); // in flight: either outcome is allowed
      const result = await outcome(
        rawRequest(url, {
          method: "PATCH",
          path: `/model/${voiceId}`,
          headers: { ...auth, "content-type": "application/x-www-form-urlencoded" },
          body: urlencoded({ title: renamed }),
        }),
      );
      if (result === "yes") entry.titles = new Set([renamed]);
      else if (result === "no") entry.titles = before; // refused: not applied
      // "unknown": cut off by the crash, so either title is allowed.
    }
    if (rng.chance(0.25) && alive()) {
      entry.deleted = "in-flight";
      const result = await outcome(
        rawRequest(url, { method: "DELETE", path: `/model/${voiceId}` }),
      );
      entry.deleted = result === "yes" ? "acked" : result === "no" ? "no" : "in-flight";
    }
  }
}

function databaseFile(dataDir: string): string {
  const file = readdirSync(dataDir).find((name) => /\.(sqlite3?|db)$/.test(name));
  assert.ok(file, `no SQLite file in ${dataDir}: ${readdirSync(dataDir).join(", ")}`);
  return join(dataDir, file);
}

describe("durability: SIGKILL during a burst of writes", () => {
  it("every acknowledged create/update/delete survives three crashes; integrity_check is ok", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "fishaudio-durability-"));
    const rng = new Prng(7);
    const known: Known[] = [];
    let server: ServerProcess | undefined;
    try {
      for (let round = 0; round < 3; round++) {
        server = await spawnServer({ dataDir, apiKey: API_KEY, rateLimit: false });
        const current = server;
        let up = true;
        const alive = () => up;
        const workers = Array.from({ length: WORKERS }, (_, i) =>
          worker(current.url, round * 100 + i, new Prng(rng.int(1e9)), known, alive),
        );
        // Kill at a different moment each round, while all workers have requests in flight.
        const before = known.length;
        const target = before + 15 + rng.int(30);
        const deadline = Date.now() + 60_000;
        while (known.length < target && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await current.kill();
        up = false;
        await Promise.all(workers);
        assert.ok(
          known.length > before,
          `round ${round}: no write was acknowledged before the kill`,
        );
      }

      server = await spawnServer({ dataDir, apiKey: API_KEY, rateLimit: false });
      const problems: string[] = [];
      for (const entry of known) {
        const res = await rawRequest(server.url, {
          method: "GET",
          path: `/model/${entry.id}`,
          headers: auth,
        });
        if (entry.deleted === "acked") {
          if (res.status !== 404)
            problems.push(`${entry.id}: deleted (acked) but GET gave ${res.status}`);
          continue;
        }
        if (res.status === 404 && entry.deleted === "in-flight") continue;
        if (res.status !== 200) {
          problems.push(`${entry.id}: acknowledged creation lost (GET ${res.status})`);
          continue;
        }
        const title = (JSON.parse(res.body.toString()) as { title: string }).title;
        if (!entry.titles.has(title)) {
          problems.push(
            `${entry.id}: title '${title}', expected one of ${[...entry.titles].join(" | ")}`,
          );
        }
      }
      assert.deepEqual(problems, [], `${problems.length} of ${known.length} acknowledged voices`);
      await server.stop();
      server = undefined;

      const db = new Database(databaseFile(dataDir), { readonly: true, fileMustExist: true });
      try {
        assert.deepEqual(db.pragma("integrity_check"), [{ integrity_check: "ok" }]);
        assert.deepEqual(db.pragma("foreign_key_check"), []);
      } finally {
        db.close();
      }
    } finally {
      await server?.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
