/**
 * The local server in its own process for SDK stress tests, so that the test process holds only
 * the client's sockets and timers: the URL and key go back over IPC; SIGTERM stops it.
 */
import { startServer } from "fishaudio-local";

const server = await startServer({
  host: "127.0.0.1",
  port: 0,
  apiKey: "sdk-stress-key",
  rateLimit: false,
  initialCredits: 1_000_000_000,
});
process.send?.({ url: server.url, apiKey: server.apiKey });
process.on("SIGTERM", () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
process.channel?.unref();
// stdin is a pipe from the test process: if that process dies, the server goes too.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
