/**
 * Runs the local server in its own process for fault tests. Options arrive as JSON in
 * FISHAUDIO_TEST_SERVER; the server logs to stderr as the CLI does. The URL and the keys of any
 * extra users go back over the IPC channel, never to stdout/stderr, so a key found in the output
 * can only have come from the server itself.
 */
import { startServer } from "fishaudio-local";

interface ChildOptions {
  dataDir: string;
  apiKey: string;
  /** How many additional users (each with its own key) to create. */
  extraUsers?: number;
  [option: string]: unknown;
}

const { extraUsers = 0, ...options } = JSON.parse(
  process.env.FISHAUDIO_TEST_SERVER ?? "{}",
) as ChildOptions;
const server = await startServer({
  host: "127.0.0.1",
  port: 0,
  ...options,
  logger: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
});
const users = Array.from({ length: extraUsers }, (_, i) =>
  server.createUser({ nickname: `user${i + 2}` }),
);
process.send?.({ url: server.url, userId: server.userId, users });

const stop = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// stdin is a pipe from the test process: when that process dies (killed by a timeout, say), the
// pipe ends and the server goes too, instead of living on as an orphan.
process.stdin.on("end", stop);
process.stdin.resume();
// The IPC channel must not keep the server alive on its own, nor end it when the parent goes.
process.channel?.unref();
