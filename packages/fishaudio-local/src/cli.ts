#!/usr/bin/env node
/**
 * `fishaudio-local serve`: the local Fish Audio API server from the command line.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startServer } from "./server.js";

const USAGE = `Usage: fishaudio-local serve [options]

Runs the Fish Audio API (TTS over HTTP and WebSocket, ASR, voices, wallet) offline.

Options:
  --host <address>        interface to listen on (default 127.0.0.1)
  --port <n>              port (default 8080; 0 picks a free one)
  --data-dir <dir>        where the SQLite database lives
                          (default $FISH_LOCAL_DATA_DIR or ~/.fishaudio/local)
  --api-key <key>         accept this key (default $FISH_LOCAL_API_KEY, then $FISH_API_KEY;
                          without one, the first start creates a key and prints it)
  --initial-credits <n>   starting balance of new users, in credits (default 1000)
  --rate-limit <n>        requests per minute per key (default 100000; 0 = unlimited)
  --max-concurrent <n>    requests and realtime sessions in flight per key (default: no cap)
  --benchmark-voice       add the "benchmark" voice (generated tone, for SDK benchmarks)
  --quiet                 do not log requests
  -h, --help              show this help
`;

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`fishaudio-local: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== "serve") {
    process.stderr.write(
      `fishaudio-local: expected the command 'serve'${positionals.length ? `, got '${positionals.join(" ")}'` : ""}\n\n${USAGE}`,
    );
    return 2;
  }
  const port = Number(values.port ?? "8080");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(
      `fishaudio-local: --port must be an integer from 0 to 65535, got '${values.port}'\n`,
    );
    return 2;
  }
  const perMinute = values["rate-limit"] === undefined ? undefined : Number(values["rate-limit"]);
  if (perMinute !== undefined && (!Number.isInteger(perMinute) || perMinute < 0)) {
    process.stderr.write(
      `fishaudio-local: --rate-limit must be a whole number, got '${values["rate-limit"]}'\n`,
    );
    return 2;
  }
  const concurrent =
    values["max-concurrent"] === undefined ? undefined : Number(values["max-concurrent"]);
  if (concurrent !== undefined && (!Number.isInteger(concurrent) || concurrent < 1)) {
    process.stderr.write(
      `fishaudio-local: --max-concurrent must be a whole number of at least 1, got '${values["max-concurrent"]}'\n`,
    );
    return 2;
  }
  const credits = values["initial-credits"];
  if (credits !== undefined && !/^\d+(\.\d+)?$/.test(credits)) {
    process.stderr.write(`fishaudio-local: --initial-credits must be a number, got '${credits}'\n`);
    return 2;
  }
  const dataDir =
    values["data-dir"] ??
    (process.env.FISH_LOCAL_DATA_DIR || join(homedir(), ".fishaudio", "local"));
  const apiKey =
    values["api-key"] ?? (process.env.FISH_LOCAL_API_KEY || process.env.FISH_API_KEY || undefined);
  const quiet = values.quiet ?? false;

  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      host: values.host ?? "127.0.0.1",
      port,
      dataDir,
      apiKey,
      initialCredits: credits,
      rateLimit: {
        ...(perMinute === undefined
          ? {}
          : { requests: perMinute === 0 ? Number.POSITIVE_INFINITY : perMinute, windowMs: 60_000 }),
        ...(concurrent === undefined ? {} : { concurrent }),
      },
      enableBenchmarkVoice: values["benchmark-voice"] ?? false,
      logger: quiet
        ? undefined
        : (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message =
      code === "EADDRINUSE"
        ? `port ${port} is already in use: pick another with --port`
        : code === "EADDRNOTAVAIL"
          ? `cannot listen on ${values.host}: use an address of this machine`
          : (error as Error).message;
    process.stderr.write(`fishaudio-local: ${message}\n`);
    return 1;
  }

  const out = process.stdout;
  out.write(`fishaudio-local listening on ${server.url}\n`);
  out.write(`data directory: ${server.dataDir}\n`);
  if (server.apiKeyCreated) {
    out.write(`API key (created now; stored only as a hash, so keep it): ${server.apiKey}\n`);
  } else if (apiKey !== undefined) {
    out.write("API key: the one given (--api-key or environment)\n");
  } else {
    out.write(`API key for this run only (your stored keys keep working): ${server.apiKey}\n`);
  }
  // The key rides in the fragment, which the browser never sends to the server or elsewhere.
  out.write(
    apiKey !== undefined && !server.apiKeyCreated
      ? `console: ${server.url}/ (sign in with your key)\n`
      : `console: ${server.url}/#key=${encodeURIComponent(server.apiKey)}\n`,
  );
  out.write(`try: FISH_BASE_URL=${server.url} FISH_API_KEY=<key> fishaudio tts "Hello"\n`);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      server.close().then(resolve, resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      "data-dir": { type: "string" },
      "api-key": { type: "string" },
      "initial-credits": { type: "string" },
      "rate-limit": { type: "string" },
      "max-concurrent": { type: "string" },
      "benchmark-voice": { type: "boolean" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`fishaudio-local: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
