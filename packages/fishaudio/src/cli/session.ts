/**
 * Everything a command runs with: the API client (cloud from the environment, or the local
 * server with --local), the abort signal tied to Ctrl-C, and the error context it fills in.
 */
import { FishAudio } from "../index.js";
import { flag, str, type Values } from "./args.js";
import { CliError, type ErrorContext, ExitCode } from "./errors.js";
import { defaultDataDir, type LocalServer, startLocalServer } from "./local.js";
import { loopbackFetch } from "./loopback-fetch.js";
import type { Verbosity } from "./output.js";

/** The per-run state handed to every command. */
export interface RunContext {
  /** Aborted on the first Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  /** Filled in by commands so an error can name the URL, the voice, the file. */
  errors: ErrorContext;
  /** Run at exit, success or not (e.g. stopping the local server). */
  cleanups: (() => Promise<void> | void)[];
}

/** A connected client and where it points. */
export interface Session {
  client: FishAudio;
  baseUrl: string;
  local: boolean;
}

const CLOUD_URL = "https://api.fish.audio";

/**
 * Opens the client the flags ask for; with --local, starts the in-process server first.
 * @example const { client } = await connect(values, ctx);
 */
export async function connect(values: Values, ctx: RunContext): Promise<Session> {
  if (flag(values, "local")) {
    const dataDir = str(values, "data-dir") ?? defaultDataDir();
    // One command needs one voice and one encoder: engines start on first use, not all at once.
    const server: LocalServer = await startLocalServer({
      host: "127.0.0.1",
      port: 0,
      dataDir,
      warmEngines: false,
    });
    ctx.cleanups.push(() => server.close());
    ctx.errors.baseUrl = server.url;
    ctx.errors.local = true;
    const client = new FishAudio({
      apiKey: server.apiKey,
      baseUrl: server.url,
      fetch: loopbackFetch,
    });
    return { client, baseUrl: server.url, local: true };
  }
  if (str(values, "data-dir") !== undefined) {
    throw new CliError("--data-dir only applies with --local");
  }
  const baseUrl = (process.env.FISH_BASE_URL || CLOUD_URL).replace(/\/+$/, "");
  ctx.errors.baseUrl = baseUrl;
  const apiKey = process.env.FISH_API_KEY;
  if (!apiKey) {
    throw new CliError(
      "no API key: set FISH_API_KEY (create a key at https://fish.audio/app/api-keys) or use --local",
      ExitCode.auth,
    );
  }
  return { client: new FishAudio({ apiKey, baseUrl }), baseUrl, local: false };
}

/**
 * What the progress line says while `connect` runs.
 * @example new Progress("Synthesising", true, process.stderr, starting(values));
 */
export function starting(values: Values): string {
  return flag(values, "local") ? "starting the local server" : "connecting";
}

/**
 * The --quiet / --json switches of a parsed command line.
 * @example const v = verbosity(values); if (!v.quiet) …
 */
export function verbosity(values: Values): Verbosity {
  return { quiet: flag(values, "quiet"), json: flag(values, "json") };
}
