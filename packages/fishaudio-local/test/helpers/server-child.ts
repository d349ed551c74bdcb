/**
 * A server in its own process (fake engines), for crash tests: argv[2] is the data directory,
 * argv[3] the API key; prints `READY <url>` once listening.
 */
import { startServer } from "fishaudio-local";
import { FakeEngines } from "./fake-engines.js";

const server = await startServer({
  dataDir: process.argv[2]!,
  apiKey: process.argv[3]!,
  engines: new FakeEngines(),
});
process.stdout.write(`READY ${server.url}\n`);
process.on("SIGTERM", () => {
  server.close().then(() => process.exit(0));
});
