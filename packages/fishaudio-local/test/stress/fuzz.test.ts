/**
 * The long fuzz run (stress suite): thousands of seeded cases across every endpoint and the
 * WebSocket, several seeds, each against a fresh server child process. Same rules as the fast
 * run: no 5xx, exact `{status, message}` errors, the process stays up.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { assertFuzzHealthy, fuzzContext, runFuzz } from "../faults/fuzz-runner.js";
import { fuzzSeed } from "../faults/prng.js";
import { spawnServer } from "../faults/server-process.js";

const API_KEY = "stress-fuzz-key-0123456789";
const SEEDS = [fuzzSeed(1), 2, 3];

describe("local server under fuzzed input (stress)", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: 1200 cases, no 5xx, well-formed errors, server alive`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "fishaudio-fuzz-stress-"));
      const server = await spawnServer({ dataDir, apiKey: API_KEY, rateLimit: false });
      try {
        const ctx = await fuzzContext(server, API_KEY);
        const report = await runFuzz(server, ctx, {
          seed,
          cases: 1200,
          budgetMs: 200_000,
          wsShare: 0.2,
        });
        await assertFuzzHealthy(server, report, 800, API_KEY);
      } finally {
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
