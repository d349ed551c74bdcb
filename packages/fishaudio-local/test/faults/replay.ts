/**
 * Replays one fuzz case against a fresh server and prints the request, the answer and the
 * server's log: `node --conditions=fishaudio-source --import tsx replay.ts <seed> <case> [wsShare]`
 * (wsShare as the run used: 0.15 fast, 0.2 stress). Not a test; a tool for reading a finding.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { httpCase, wsCase } from "./fuzz-cases.js";
import { fuzzContext } from "./fuzz-runner.js";
import { Prng } from "./prng.js";
import { rawRequest } from "./raw-http.js";
import { spawnServer } from "./server-process.js";

const [seed = 1, target = 0, wsShare = 0.2] = process.argv.slice(2).map(Number);
const dataDir = mkdtempSync(join(tmpdir(), "fishaudio-replay-"));
const server = await spawnServer({ dataDir, apiKey: "replay-key", rateLimit: false });
try {
  const ctx = await fuzzContext(server, "replay-key");
  const rng = new Prng(seed);
  // Every case before the target is generated (not sent) so the PRNG reaches the same state.
  for (let i = 0; i <= target; i++) {
    if (rng.chance(wsShare)) {
      const session = wsCase(rng);
      if (i === target) {
        console.log(`WebSocket case [${session.label}]; frames (hex):`);
        for (const frame of session.frames) console.log(`  ${frame.data.toString("hex")}`);
      }
      continue;
    }
    const { label, request } = httpCase(rng, ctx);
    if (i !== target) continue;
    console.log(label, request.method, request.path, request.headers);
    console.log(
      `body (hex): ${Buffer.from(request.body ?? "")
        .toString("hex")
        .slice(0, 4000)}`,
    );
    try {
      const res = await rawRequest(server.url, request, 60_000);
      console.log(`-> ${res.status} ${res.body.toString().slice(0, 500)}`);
    } catch (error) {
      console.log(`-> ${(error as Error).message}`);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  console.log(`server log:\n${server.output()}`);
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
