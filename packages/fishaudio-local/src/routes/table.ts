/**
 * Every endpoint the local server answers, one entry each, read top to bottom. The dispatcher
 * (`dispatch.ts`) answers 404 for a path no entry matches, 405 (with `Allow`) for a path that
 * matches under another method and 415 for a body in an encoding the entry does not list; a
 * handler only ever runs for its own method, path and encodings.
 *
 * Adding an endpoint: one entry here (and an integration test that calls it:
 * `test/routes/coverage.test.ts` fails for an entry no test reaches).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { elevenLabs } from "../compat/elevenlabs/routes.js";
import { openAi, openAiRealtime } from "../compat/openai/routes.js";
import { serveConsoleAsset, wantsPage } from "../console/assets.js";
import {
  handleCreateKey,
  handleCreateUser,
  handleListUsers,
  handleMe,
  handleRequestAudio,
  handleRequestDetail,
  handleRequestList,
  handleRevokeKey,
  handleUsage,
} from "../console/local-api.js";
import type { ServerContext } from "../context.js";
import type { BodyEncoding } from "../http/decode.js";
import type { FieldBag } from "../http/forms.js";
import type { Principal } from "../store/accounts.js";
import { handleAsr } from "./asr.js";
import { handleHealth } from "./health.js";
import {
  handleCoverImage,
  handleCreateModel,
  handleDeleteModel,
  handleGetModel,
  handleListModels,
  handleSampleAudio,
  handleUpdateModel,
} from "./models.js";
import { handleTts, handleTtsWithTimestamp } from "./tts.js";
import { runLiveSession } from "./tts-live.js";
import { handleVoiceDesign } from "./voice-design.js";
import { handleApiCredit, handlePackage } from "./wallet.js";

/** One HTTP request, matched to its entry. `principal` is set when the entry's auth is "key". */
export interface Call {
  ctx: ServerContext;
  req: IncomingMessage;
  res: ServerResponse;
  principal: Principal;
  url: URL;
  /** Path parameters by the names in the entry's path, percent-decoded. */
  params: Record<string, string>;
  route: HttpRoute;
  /**
   * Reads and decodes the body in one of the entry's JSON/msgpack encodings (at most `limit`
   * bytes, default maxBodyBytes; 400 when empty or malformed, 413 when too large).
   */
  body(limit?: number): Promise<unknown>;
  /** Reads the body in any of the entry's encodings as fields (forms and objects alike). */
  fields(): Promise<FieldBag>;
}

interface RouteBase {
  /**
   * Path with `{name}` segments (`{name:int}`: digits only). A trailing slash is ignored.
   */
  path: string;
  /** The operation in the published OpenAPI document (`"post /v1/tts"`); null: local only. */
  operation: string | null;
  /**
   * Accepted request body encodings. The dispatcher refuses any other declared Content-Type with
   * 415 before the handler runs; a request that declares none has JSON or msgpack sniffed when
   * read. [] means no body: none is read, whatever the request declares.
   */
  body: readonly BodyEncoding[];
  /** "key": `Authorization: Bearer <key>` (401), rate limit (429), concurrency slot. */
  auth: "key" | "none";
  /** What the request is charged for (rates in pricing.ts): "none", "text" (UTF-8 bytes), "audio" (seconds), "request" (a flat price). */
  charge: "none" | "text" | "audio" | "request";
}

export interface HttpRoute extends RouteBase {
  /** HEAD is answered by the GET entry. */
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** The cloud answers a JSON body here with 400, not 415 (/v1/asr: fishaudio/docs PR #115). */
  jsonIs400?: true;
  handler: (call: Call) => void | Promise<void>;
}

export interface SocketRoute extends RouteBase {
  /** A WebSocket upgrade (an HTTP request without one gets 426). */
  method: "WS";
  /** Sessions always need a key: the session is charged to it. */
  auth: "key";
  /** Runs the session once upgraded; with a charge, an empty balance is 402 before upgrading. */
  session: (ctx: ServerContext, ws: WebSocket, req: IncomingMessage, principal: Principal) => void;
}

/** A WebSocket handshake handed to an entry that checks it itself. */
export interface Handshake {
  ctx: ServerContext;
  req: IncomingMessage;
  /** The upgrading connection (a refusal thrown before `accept` is answered on it as HTTP). */
  socket: Duplex;
  url: URL;
  /** Path parameters by the names in the entry's path, percent-decoded. */
  params: Record<string, string>;
  /** Completes the upgrade and runs `session` on the open socket. */
  accept(session: (ws: WebSocket) => void): void;
}

/**
 * A WebSocket of a compatibility protocol (compat/): it checks its own handshake (the protocol's
 * key header or query parameter, its options) instead of the table's Bearer key.
 */
export interface ProtocolSocketRoute extends RouteBase {
  method: "WS";
  auth: "none";
  handshake: (h: Handshake) => void;
}

export type Route = HttpRoute | SocketRoute | ProtocolSocketRoute;

const OBJECT = ["json", "msgpack"] as const;
const ANY_FORM = ["multipart", "urlencoded", "json", "msgpack"] as const;

// biome-ignore format: one line per endpoint reads as a table
export const ROUTES: readonly Route[] = [
  // Liveness, for scripts waiting on the server.
  // A browser (Accept: text/html) gets the console page instead (console/, no data in it).
  { method: "GET", path: "/", operation: null, body: [], auth: "none", charge: "none", handler: (c) => (wantsPage(c.req) ? serveConsoleAsset(c.req, c.res, "/") : handleHealth(c.res)) },
  { method: "GET", path: "/v1/health", operation: null, body: [], auth: "none", charge: "none", handler: (c) => handleHealth(c.res) },

  // Speech.
  { method: "POST", path: "/v1/tts", operation: "post /v1/tts", body: OBJECT, auth: "key", charge: "text", handler: handleTts },
  { method: "POST", path: "/v1/tts/stream/with-timestamp", operation: "post /v1/tts/stream/with-timestamp", body: OBJECT, auth: "key", charge: "text", handler: handleTtsWithTimestamp },
  { method: "WS", path: "/v1/tts/live", operation: null, body: [], auth: "key", charge: "text", session: runLiveSession },
  { method: "POST", path: "/v1/asr", operation: "post /v1/asr", body: ["multipart", "msgpack"], jsonIs400: true, auth: "key", charge: "audio", handler: handleAsr },

  // Voice design: candidates from a description, JSON only.
  { method: "POST", path: "/v1/voice-design", operation: "post /v1/voice-design", body: ["json"], auth: "key", charge: "request", handler: handleVoiceDesign },

  // Voices ("models").
  { method: "GET", path: "/model", operation: "get /model", body: [], auth: "key", charge: "none", handler: (c) => handleListModels(c.ctx, c.req, c.res, c.principal, c.url) },
  { method: "POST", path: "/model", operation: "post /model", body: ANY_FORM, auth: "key", charge: "none", handler: handleCreateModel },
  { method: "GET", path: "/model/{id}", operation: "get /model/{id}", body: [], auth: "key", charge: "none", handler: (c) => handleGetModel(c.ctx, c.req, c.res, c.principal, c.params.id!) },
  { method: "PATCH", path: "/model/{id}", operation: "patch /model/{id}", body: ANY_FORM, auth: "key", charge: "none", handler: handleUpdateModel },
  { method: "DELETE", path: "/model/{id}", operation: "delete /model/{id}", body: [], auth: "key", charge: "none", handler: (c) => handleDeleteModel(c.ctx, c.req, c.res, c.principal, c.params.id!) },
  // The URLs in a voice's `samples[].audio` and `cover_image`.
  { method: "GET", path: "/model/{id}/samples/{n:int}", operation: null, body: [], auth: "key", charge: "none", handler: (c) => handleSampleAudio(c.ctx, c.res, c.principal, c.params.id!, Number(c.params.n)) },
  { method: "GET", path: "/model/{id}/cover", operation: null, body: [], auth: "key", charge: "none", handler: (c) => handleCoverImage(c.ctx, c.res, c.principal, c.params.id!) },

  // Wallet.
  { method: "GET", path: "/wallet/{user_id}/api-credit", operation: "get /wallet/{user_id}/api-credit", body: [], auth: "key", charge: "none", handler: (c) => handleApiCredit(c.ctx, c.res, c.principal, c.params.user_id!, c.url) },
  { method: "GET", path: "/wallet/{user_id}/package", operation: "get /wallet/{user_id}/package", body: [], auth: "key", charge: "none", handler: (c) => handlePackage(c.ctx, c.res, c.principal, c.params.user_id!) },

  // The console (local only): its page's script and style, and its data under /local/
  // (console/local-api.ts; a non-owner key sees only its own requests and usage).
  { method: "GET", path: "/console/app.js", operation: null, body: [], auth: "none", charge: "none", handler: (c) => serveConsoleAsset(c.req, c.res, "/console/app.js") },
  { method: "GET", path: "/console/app.css", operation: null, body: [], auth: "none", charge: "none", handler: (c) => serveConsoleAsset(c.req, c.res, "/console/app.css") },
  { method: "GET", path: "/local/me", operation: null, body: [], auth: "key", charge: "none", handler: handleMe },
  { method: "GET", path: "/local/requests", operation: null, body: [], auth: "key", charge: "none", handler: handleRequestList },
  { method: "GET", path: "/local/requests/{id}", operation: null, body: [], auth: "key", charge: "none", handler: handleRequestDetail },
  { method: "GET", path: "/local/requests/{id}/audio/{clip}", operation: null, body: [], auth: "key", charge: "none", handler: handleRequestAudio },
  { method: "GET", path: "/local/usage", operation: null, body: [], auth: "key", charge: "none", handler: handleUsage },
  { method: "GET", path: "/local/users", operation: null, body: [], auth: "key", charge: "none", handler: handleListUsers },
  { method: "POST", path: "/local/users", operation: null, body: ["json"], auth: "key", charge: "none", handler: handleCreateUser },
  { method: "POST", path: "/local/users/{id}/keys", operation: null, body: ["json"], auth: "key", charge: "none", handler: handleCreateKey },
  { method: "DELETE", path: "/local/keys/{key_id}", operation: null, body: [], auth: "key", charge: "none", handler: handleRevokeKey },

  // The compatibility protocols (compat/): OpenAI's under three bases, ElevenLabs'. Each checks
  // its own key header (auth "none" here: not the table's Bearer check) and answers every
  // failure, the table's 404 and 405 included, in its protocol's error shape.
  { method: "GET", path: "/compat/v1/models", operation: null, body: [], auth: "none", charge: "none", handler: openAi.models },
  { method: "POST", path: "/compat/v1/audio/speech", operation: null, body: ["json"], auth: "none", charge: "text", handler: openAi.speech },
  { method: "POST", path: "/compat/v1/audio/transcriptions", operation: null, body: ["multipart", "json"], auth: "none", charge: "audio", handler: openAi.transcriptions },
  { method: "WS", path: "/compat/v1/realtime", operation: null, body: [], auth: "none", charge: "text", handshake: openAiRealtime },
  { method: "GET", path: "/compat/api/v1/models", operation: null, body: [], auth: "none", charge: "none", handler: openAi.models },
  { method: "POST", path: "/compat/api/v1/audio/speech", operation: null, body: ["json"], auth: "none", charge: "text", handler: openAi.speech },
  { method: "POST", path: "/compat/api/v1/audio/transcriptions", operation: null, body: ["multipart", "json"], auth: "none", charge: "audio", handler: openAi.transcriptions },
  { method: "WS", path: "/compat/api/v1/realtime", operation: null, body: [], auth: "none", charge: "text", handshake: openAiRealtime },
  { method: "GET", path: "/compat/openai/v1/models", operation: null, body: [], auth: "none", charge: "none", handler: openAi.models },
  { method: "POST", path: "/compat/openai/v1/audio/speech", operation: null, body: ["json"], auth: "none", charge: "text", handler: openAi.speech },
  { method: "POST", path: "/compat/openai/v1/audio/transcriptions", operation: null, body: ["multipart", "json"], auth: "none", charge: "audio", handler: openAi.transcriptions },
  { method: "WS", path: "/compat/openai/v1/realtime", operation: null, body: [], auth: "none", charge: "text", handshake: openAiRealtime },
  { method: "POST", path: "/compat/elevenlabs/v1/text-to-speech/{voice_id}", operation: null, body: ["json"], auth: "none", charge: "text", handler: elevenLabs.convert },
  { method: "POST", path: "/compat/elevenlabs/v1/text-to-speech/{voice_id}/stream", operation: null, body: ["json"], auth: "none", charge: "text", handler: elevenLabs.stream },
  { method: "POST", path: "/compat/elevenlabs/v1/text-to-speech/{voice_id}/with-timestamps", operation: null, body: ["json"], auth: "none", charge: "text", handler: elevenLabs.withTimestamps },
  { method: "POST", path: "/compat/elevenlabs/v1/text-to-speech/{voice_id}/stream/with-timestamps", operation: null, body: ["json"], auth: "none", charge: "text", handler: elevenLabs.streamWithTimestamps },
  { method: "WS", path: "/compat/elevenlabs/v1/text-to-speech/{voice_id}/stream-input", operation: null, body: [], auth: "none", charge: "text", handshake: elevenLabs.streamInput },
  { method: "POST", path: "/compat/elevenlabs/v1/speech-to-text", operation: null, body: ["multipart"], auth: "none", charge: "audio", handler: elevenLabs.speechToText },
  { method: "GET", path: "/compat/elevenlabs/v1/voices", operation: null, body: [], auth: "none", charge: "none", handler: elevenLabs.voicesV1 },
  { method: "GET", path: "/compat/elevenlabs/v1/voices/{voice_id}", operation: null, body: [], auth: "none", charge: "none", handler: elevenLabs.voice },
  { method: "GET", path: "/compat/elevenlabs/v2/voices", operation: null, body: [], auth: "none", charge: "none", handler: elevenLabs.voicesV2 },
  { method: "GET", path: "/compat/elevenlabs/v1/models", operation: null, body: [], auth: "none", charge: "none", handler: elevenLabs.models },
];
