import { rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { createRequestHandler, createUpgradeHandler, WebSockets } from "./app.js";
import type { Logger, ServerContext } from "./context.js";
import type { Engines } from "./engines/types.js";
import { BodyBudget } from "./http/body-budget.js";
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from "./http/rate-limit.js";
import { sendShutdownNotice } from "./http/shutdown-notice.js";
import { formatCredits, parseCredits } from "./pricing.js";
import { DEFAULT_REQUEST_AUDIO_BYTES } from "./requests-log/audio-clips.js";
import { DEFAULT_REQUEST_LOG_SIZE, RequestLog } from "./requests-log/log.js";
import { noteCharge } from "./requests-log/track.js";
import { AccountStore, type UsageEntry } from "./store/accounts.js";
import { openDatabase } from "./store/database.js";
import { VoiceStore } from "./store/voices.js";
import { ownedTempDir, removeStaleTempDirs } from "./temp-dirs.js";
import { finishFrame } from "./tts/frames.js";

/** Options of {@link startServer}; every one has a default. */
export interface StartServerOptions {
  /** Interface to listen on (default "127.0.0.1"). */
  host?: string;
  /** Port (default 0: a free port, see `url`). */
  port?: number;
  /** Where the SQLite database lives. Default: a fresh temporary directory, removed on close. */
  dataDir?: string;
  /** A key to accept (stored for the owner user if new). Default: see {@link LocalServer.apiKey}. */
  apiKey?: string;
  /** Speech engines to use instead of the built-in ones (tests inject fakes or shared engines). */
  engines?: Engines | (() => Promise<Engines>);
  /** Starting balance of every new user, in credits (default 1000). */
  initialCredits?: number | string;
  /** Requests per key per window; `false` disables limiting. */
  rateLimit?: Partial<RateLimitOptions> | false;
  /** Largest request body accepted, in bytes (default 64 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /** Longest uploaded audio accepted (ASR, voice samples, references), in seconds (default 1200). */
  maxAudioSeconds?: number;
  /** Adds the `benchmark` voice (text = byte count, audio = generated tone, wav/pcm only). */
  enableBenchmarkVoice?: boolean;
  /** Model recorded for requests without a `model` header (default "s2.1-pro", as the cloud). */
  defaultModel?: string;
  /** Unit of ASR `duration` (default "seconds", as the OpenAPI schema says). */
  asrDurationUnit?: "seconds" | "milliseconds";
  /**
   * How many of the latest requests the console's Requests view keeps in memory (default 500).
   * The log holds ids, sizes and parsed fields, never keys or audio bytes.
   */
  requestLogSize?: number;
  /**
   * Most bytes held at once by request bodies (and WebSocket messages) still arriving, over all
   * connections (default twice maxBodyBytes); past it new bodies get 503 with Retry-After.
   */
  maxBodyBytesInFlight?: number;
  /** A body (or WebSocket message) that sends nothing for this long is dropped, in ms (default 10 000); 408. */
  bodyIdleTimeoutMs?: number;
  /** How long a client may take to send a request's headers, in ms (default 60 000); then 408. */
  headersTimeoutMs?: number;
  /**
   * Bytes of the latest requests' audio (uploads and audio answered) the console may play, kept
   * apart from the log, oldest evicted first (default 32 MiB; 0 keeps none).
   */
  requestAudioBytes?: number;
  /** Receives log lines (requests, errors); silent by default. Keys are never logged. */
  logger?: Logger;
  /**
   * Start every engine at once (default true), so no request waits for one; false starts each
   * engine on its first use, and flite in a worker thread of this process rather than a child
   * process (a one-shot command that needs one voice: one Node process instead of two).
   */
  warmEngines?: boolean;
}

/** A running local server. */
export interface LocalServer {
  /** Base URL, e.g. "http://127.0.0.1:41234" (use it as the SDK's baseUrl). */
  url: string;
  /**
   * A key the server accepts: the one given; else, on a new data directory, a stored key created
   * for the owner; else a key for the owner that is valid only until this server stops.
   */
  apiKey: string;
  /** Whether `apiKey` was created and stored by this start (so it must be shown to the user). */
  apiKeyCreated: boolean;
  /** The owner user (the first user of the data directory). */
  userId: string;
  dataDir: string;
  /**
   * Adds a user with its own key (and `credits`, default `initialCredits`).
   * @example const { apiKey } = server.createUser({ nickname: "bob", credits: 5 });
   */
  createUser(options?: { nickname?: string; credits?: number | string }): {
    userId: string;
    apiKey: string;
  };
  /**
   * Issues another key for a user (default: the owner).
   * @example const key = server.createApiKey();
   */
  createApiKey(userId?: string): string;
  /**
   * Sets a user's balance, in credits.
   * @example server.setCredits(server.userId, 0); // the next TTS request gets 402
   */
  setCredits(userId: string, credits: number | string): void;
  /**
   * A user's balance as the decimal string the wallet endpoint returns.
   * @example server.getCredits(server.userId) // "999.99985"
   */
  getCredits(userId: string): string;
  /**
   * The usage ledger (every charge, with the model header it was made under).
   * @example server.usage().at(-1)?.model // "s2-pro"
   */
  usage(userId?: string): UsageEntry[];
  /**
   * Stops accepting connections, ends open ones, and closes the database.
   * @example await server.close();
   */
  close(): Promise<void>;
}

async function loadEngines(
  option: StartServerOptions["engines"],
  warm: boolean,
): Promise<{ engines: Engines; owned: boolean }> {
  if (typeof option === "function") return { engines: await option(), owned: true };
  if (option) return { engines: option, owned: false };
  // Loaded lazily so that servers with injected engines never load the real ones.
  const { createEngines } = await import("./engines/index.js");
  // A one-shot command (no warming) runs flite in a worker thread rather than a second process.
  return {
    engines: await createEngines({ warm, fliteIn: warm ? "process" : "thread" }),
    owned: true,
  };
}

/**
 * Starts the local Fish Audio server; resolves once it accepts connections.
 * @example
 * const server = await startServer();
 * const client = new FishAudio({ apiKey: server.apiKey, baseUrl: server.url });
 * await server.close();
 */
export async function startServer(options: StartServerOptions = {}): Promise<LocalServer> {
  const host = options.host ?? "127.0.0.1";
  const log = options.logger ?? (() => {});
  for (const path of removeStaleTempDirs()) log(`removed ${path}, left by a server that is gone`);
  const temporary = options.dataDir === undefined;
  const dataDir = temporary ? ownedTempDir("fishaudio-local-") : resolve(options.dataDir!);
  const initialMicro = parseCredits(options.initialCredits ?? 1000);
  const db = openDatabase(dataDir);
  const accounts = new AccountStore(db, noteCharge);
  const requestLog = new RequestLog(
    options.requestLogSize ?? DEFAULT_REQUEST_LOG_SIZE,
    options.requestAudioBytes ?? DEFAULT_REQUEST_AUDIO_BYTES,
  );
  const voices = new VoiceStore(db);

  let owner = accounts.firstUser();
  let apiKey = options.apiKey;
  let apiKeyCreated = false;
  if (!owner) owner = accounts.createUser("owner", initialMicro);
  if (apiKey === undefined && accounts.countApiKeys() === 0) {
    apiKey = accounts.addApiKey(owner.id, undefined, "created at first start");
    apiKeyCreated = true;
  } else if (apiKey === undefined) {
    // Stored keys are hashes and cannot be handed back: this run gets a key of its own.
    apiKey = accounts.addSessionKey(owner.id);
  } else if (!accounts.hasApiKey(apiKey)) {
    accounts.addApiKey(owner.id, apiKey, "given at start");
  }

  let loaded: { engines: Engines; owned: boolean };
  try {
    loaded = await loadEngines(options.engines, options.warmEngines ?? true);
  } catch (error) {
    db.close();
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  const limit =
    options.rateLimit === false
      ? { requests: Number.POSITIVE_INFINITY, windowMs: 60_000 }
      : { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
  let url = "";
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const ctx: ServerContext = {
    accounts,
    voices,
    engines: loaded.engines,
    limiter: new RateLimiter(limit),
    maxBodyBytes,
    bodyBudget: new BodyBudget(
      options.maxBodyBytesInFlight ?? 2 * maxBodyBytes,
      options.bodyIdleTimeoutMs ?? 10_000,
    ),
    maxAudioSeconds: options.maxAudioSeconds ?? 1200,
    benchmarkVoice: options.enableBenchmarkVoice ?? false,
    defaultModel: options.defaultModel ?? "s2.1-pro",
    asrDurationUnit: options.asrDurationUnit ?? "seconds",
    log,
    requestLog,
    initialCreditMicro: initialMicro,
    baseUrl: () => url,
  };

  const headersTimeout = options.headersTimeoutMs ?? 60_000;
  const server = createServer(
    {
      keepAliveTimeout: 5000,
      headersTimeout,
      requestTimeout: Math.max(300_000, headersTimeout),
      // How often Node checks those timeouts (its default, 30 s, would make a short one late).
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, headersTimeout / 4)),
    },
    createRequestHandler(ctx),
  );
  const wss = new WebSockets(maxBodyBytes);
  server.on("upgrade", createUpgradeHandler(ctx, wss));
  server.on("clientError", (error: Error & { code?: string }, socket) => {
    if (socket.writable) {
      // Node's headers/request timeout arrives here too: that is the client's slowness, not
      // its syntax.
      const timedOut = error.code === "ERR_HTTP_REQUEST_TIMEOUT";
      const status = timedOut ? 408 : 400;
      const message = timedOut
        ? "The request did not arrive in time (headers or body too slow); send it again"
        : "Malformed HTTP request";
      const body = JSON.stringify({ status, message });
      socket.end(
        `HTTP/1.1 ${status} ${timedOut ? "Request Timeout" : "Bad Request"}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
    } else socket.destroy();
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", rejectListen);
      resolveListen();
    });
  }).catch(async (error: unknown) => {
    if (loaded.owned) await loaded.engines.close();
    db.close();
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const address = server.address() as AddressInfo;
  url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  ctx.log(`listening on ${url} (data in ${dataDir})`);

  let closing: Promise<void> | undefined;
  const ownerId = owner.id;
  return {
    url,
    apiKey,
    apiKeyCreated,
    userId: ownerId,
    dataDir,
    createUser({ nickname = "user", credits } = {}) {
      const user = accounts.createUser(
        nickname,
        credits === undefined ? initialMicro : parseCredits(credits),
      );
      return { userId: user.id, apiKey: accounts.addApiKey(user.id) };
    },
    createApiKey(userId = ownerId) {
      if (!accounts.getUser(userId)) throw new Error(`No user ${userId}`);
      return accounts.addApiKey(userId);
    },
    setCredits(userId, credits) {
      accounts.setCredit(userId, parseCredits(credits));
    },
    getCredits(userId) {
      const user = accounts.getUser(userId);
      if (!user) throw new Error(`No user ${userId}`);
      return formatCredits(user.creditMicro);
    },
    usage(userId) {
      return accounts.usage(userId);
    },
    close() {
      closing ??= (async () => {
        // Realtime clients get a proper end (finish/error) rather than a dropped connection.
        for (const client of wss.clients) {
          if (client.readyState === client.OPEN) {
            if (!sendShutdownNotice(client)) {
              client.send(finishFrame("error", "The server is shutting down"), { binary: true });
            }
            client.close(1001);
          }
        }
        if (wss.clients.size > 0) await new Promise((done) => setTimeout(done, 100));
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
        wss.close();
        if (loaded.owned) await loaded.engines.close();
        db.close();
        if (temporary) rmSync(dataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
