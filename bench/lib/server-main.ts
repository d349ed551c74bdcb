/**
 * Child process body: starts fishaudio-local, prints {url, apiKey} on one line, and closes the
 * server when its stdin ends (the parent went away or asked it to stop).
 */
import { startServer } from "fishaudio-local";
import { childInput } from "./child.js";

const input = childInput<{ dataDir: string; unlimited?: boolean }>();

const server = await startServer({
  host: "127.0.0.1",
  port: 0,
  dataDir: input.dataDir,
  apiKey: "bench-key",
  enableBenchmarkVoice: true,
  ...(input.unlimited ? { rateLimit: false as const } : {}),
});
process.stdout.write(`${JSON.stringify({ url: server.url, apiKey: server.apiKey })}\n`);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await server.close();
  process.exit(0);
}
process.stdin.on("end", shutdown);
process.stdin.on("close", shutdown);
process.stdin.resume();
process.on("SIGTERM", shutdown);
