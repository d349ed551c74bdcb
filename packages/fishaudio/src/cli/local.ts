/**
 * The local server (the optional `fishaudio-local` package), loaded only when asked for with
 * --local or `fishaudio serve`, so the CLI works without it.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError, ExitCode } from "./errors.js";

/** A running local server, as `startServer` from fishaudio-local returns it. */
export interface LocalServer {
  url: string;
  apiKey: string;
  /** True when `apiKey` was created and stored by this start (show it once). */
  apiKeyCreated?: boolean;
  dataDir?: string;
  close(): Promise<void>;
}

/** Options of `startServer` from fishaudio-local. */
export interface LocalServerOptions {
  host?: string;
  port?: number;
  dataDir?: string;
  apiKey?: string;
  /** Receives one log line per request. */
  logger?: (line: string) => void;
  /** false: start each engine on first use rather than all at start (one-shot commands). */
  warmEngines?: boolean;
}

type StartServer = (options: LocalServerOptions) => Promise<LocalServer>;

/**
 * Where --local and `serve` keep their data unless told otherwise.
 * @example defaultDataDir() // "/home/me/.fishaudio/local"
 */
export function defaultDataDir(): string {
  return process.env.FISH_LOCAL_DATA_DIR || join(homedir(), ".fishaudio", "local");
}

/**
 * Starts fishaudio-local in this process; a missing package becomes an install hint.
 * @example const server = await startLocalServer({ dataDir: defaultDataDir() });
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const startServer = await loadStartServer();
  try {
    return await startServer(options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "EADDRINUSE") {
      throw new CliError(
        `port ${options.port} on ${options.host ?? "127.0.0.1"} is already in use: pick another with --port`,
      );
    }
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
      throw new CliError(`cannot listen on host ${options.host}: use an address of this machine`);
    }
    throw error;
  }
}

async function loadStartServer(): Promise<StartServer> {
  // A variable specifier keeps bundlers and the type checker from resolving the optional peer.
  const specifier = "fishaudio-local";
  let module: { startServer?: unknown };
  try {
    module = (await import(specifier)) as { startServer?: unknown };
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code === "ERR_MODULE_NOT_FOUND" && String(message).includes("'fishaudio-local'")) {
      throw new CliError(
        "the local server is not installed: run `npm install fishaudio-local`, then retry",
        ExitCode.failure,
      );
    }
    if (code === "ERR_MODULE_NOT_FOUND") {
      throw new CliError(
        "fishaudio-local is installed but not built: run `npm run build` in its package",
        ExitCode.failure,
      );
    }
    throw error;
  }
  if (typeof module.startServer !== "function") {
    throw new CliError(
      "this fishaudio-local has no startServer(): update it with `npm install fishaudio-local@latest`",
      ExitCode.failure,
    );
  }
  return module.startServer as StartServer;
}
