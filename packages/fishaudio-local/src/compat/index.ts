import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import { errorResponse, rejectUpgrade } from "../app.js";
import type { ServerContext } from "../context.js";
import { toElevenLabsError } from "./elevenlabs/errors.js";
import { routeElevenLabs, upgradeElevenLabs } from "./elevenlabs/routes.js";
import { CompatError } from "./errors.js";
import { toOpenAiError } from "./openai/errors.js";
import { routeOpenAi } from "./openai/routes.js";

/** The bases of the OpenAI protocol under /compat (the Groq SDK appends /openai/v1 itself). */
const OPENAI_BASES = ["/compat/v1", "/compat/api/v1", "/compat/openai/v1"];
const ELEVENLABS_BASE = "/compat/elevenlabs";

/**
 * The compatibility protocols' mount point: answers every request under `/compat`, with
 * failures in the protocol's own error shape (thrown as an `HttpError` carrying that body).
 * @example if (path.startsWith("/compat/")) return handleCompat(ctx, req, res, path);
 */
export async function handleCompat(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const openAiBase = OPENAI_BASES.find((b) => path === b || path.startsWith(`${b}/`));
  if (openAiBase) {
    try {
      return await routeOpenAi(ctx, req, res, path.slice(openAiBase.length) || "/");
    } catch (error) {
      throw toOpenAiError(error, (e) => errorResponse(ctx, e));
    }
  }
  if (path === ELEVENLABS_BASE || path.startsWith(`${ELEVENLABS_BASE}/`)) {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      return await routeElevenLabs(ctx, req, res, path.slice(ELEVENLABS_BASE.length) || "/", url);
    } catch (error) {
      throw toElevenLabsError(error, (e) => errorResponse(ctx, e));
    }
  }
  throw toOpenAiError(
    new CompatError(
      404,
      "not_found",
      `Not found: ${path} (the compatible protocols live under /compat/v1 and /compat/elevenlabs)`,
    ),
    (e) => errorResponse(ctx, e),
  );
}

/**
 * The compatibility protocols' WebSocket mount point: ElevenLabs `stream-input`. A handshake it
 * refuses gets a plain HTTP answer in the protocol's error shape.
 * @example if (path.startsWith("/compat/")) return handleCompatUpgrade(ctx, wss, req, socket, head, path);
 */
export function handleCompatUpgrade(
  ctx: ServerContext,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  path: string,
): void {
  const classify = (e: unknown) => errorResponse(ctx, e);
  const url = new URL(req.url ?? "/", "http://localhost");
  if (path.startsWith(`${ELEVENLABS_BASE}/`)) {
    try {
      upgradeElevenLabs(ctx, wss, req, socket, head, path.slice(ELEVENLABS_BASE.length), url);
    } catch (error) {
      rejectUpgrade(socket, toElevenLabsError(error, classify));
    }
    return;
  }
  rejectUpgrade(
    socket,
    toOpenAiError(new CompatError(404, "not_found", `Not found: WebSocket ${path}`), classify),
  );
}
