import type { ServerContext } from "../context.js";
import { HttpError, sendJson } from "../http/errors.js";
import { formatCredits, parseCredits } from "../pricing.js";
import { PLAYABLE_AUDIO } from "../requests-log/audio-clips.js";
import type { RequestEntry } from "../requests-log/entry.js";
import type { LogViewer } from "../requests-log/log.js";
import type { Call } from "../routes/table.js";
import type { Principal, UsageEntry } from "../store/accounts.js";

/**
 * The prefix of the endpoints only this local server has (the console's data, registered in
 * routes/table.ts). Nothing under it exists on the cloud API.
 */
export const LOCAL_PREFIX = "/local/";

/** Whether the caller is the server's owner (the data directory's first user). */
function isOwner(ctx: ServerContext, principal: Principal): boolean {
  return ctx.accounts.firstUser()?.id === principal.user.id;
}

function viewer(call: Call): LogViewer {
  return { userId: call.principal.user.id, owner: isOwner(call.ctx, call.principal) };
}

function requireOwner(call: Call): void {
  if (!isOwner(call.ctx, call.principal)) {
    throw new HttpError(403, "Only the server's owner (the first user) may manage users and keys");
  }
}

function intParam(url: URL, name: string, min: number, max: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new HttpError(422, `Query parameter '${name}' must be an integer from ${min} to ${max}`);
  }
  return n;
}

function listItem(entry: RequestEntry): Omit<RequestEntry, "body"> {
  const { body: _body, ...rest } = entry;
  return rest;
}

function usageJson(entry: UsageEntry) {
  return {
    id: entry.id,
    user_id: entry.userId,
    key_id: entry.keyId,
    kind: entry.kind,
    model: entry.model,
    voice_id: entry.voiceId,
    units: entry.units,
    credit: formatCredits(entry.costMicro),
    created_at: entry.createdAt,
  };
}

async function jsonBody({ ctx, req, body }: Call): Promise<Record<string, unknown>> {
  if ((req.headers["content-length"] ?? "0") === "0" && !req.headers["transfer-encoding"]) {
    return {};
  }
  const value = await body(Math.min(ctx.maxBodyBytes, 64 * 1024));
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError(422, "The body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

function optionalText(body: Record<string, unknown>, name: string, max: number) {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length > max) {
    throw new HttpError(422, `Field '${name}' must be a string of at most ${max} characters`);
  }
  return value;
}

/** GET /local/me: who the key is (never the key). */
export function handleMe(call: Call): void {
  const user = call.principal.user;
  sendJson(call.res, 200, {
    user_id: user.id,
    nickname: user.nickname,
    key_id: call.principal.keyId,
    owner: isOwner(call.ctx, call.principal),
    credit: formatCredits(user.creditMicro),
  });
}

/** GET /local/requests: the latest requests the key may see, newest first, without bodies. */
export function handleRequestList(call: Call): void {
  const after = intParam(call.url, "after", 0, Number.MAX_SAFE_INTEGER);
  const limit = intParam(call.url, "limit", 1, 1000) ?? 100;
  const items = call.ctx.requestLog.list(viewer(call), { after, limit }).map(listItem);
  sendJson(call.res, 200, { items, capacity: call.ctx.requestLog.capacity });
}

/** GET /local/requests/{id}: one entry with its parsed body. */
export function handleRequestDetail(call: Call): void {
  const entry = call.ctx.requestLog.get(viewer(call), call.params.id!);
  // Someone else's request is indistinguishable from one that has left the log.
  if (!entry) throw new HttpError(404, "No such request in the log (it may have been dropped)");
  sendJson(call.res, 200, entry);
}

/**
 * GET /local/requests/{id}/audio/{clip}: a piece of audio kept with a request, to the key that
 * made the request or the owner; 404 to anyone else, as for a clip evicted or never kept.
 */
export function handleRequestAudio(call: Call): void {
  const who = viewer(call);
  const entry = call.ctx.requestLog.get(who, call.params.id!);
  const clip = entry && call.ctx.requestLog.clips.get(call.params.clip!);
  if (
    !entry ||
    !clip ||
    clip.requestId !== entry.id ||
    !(who.owner || clip.keyId === call.principal.keyId)
  ) {
    throw new HttpError(
      404,
      "No such audio kept for this request (it may have been evicted; only the key that sent the request, or the owner, may fetch it)",
    );
  }
  call.res.writeHead(200, {
    "Content-Type": PLAYABLE_AUDIO[clip.kind] ?? "application/octet-stream",
    "Content-Length": clip.bytes.length,
    "Cache-Control": "no-store",
  });
  call.res.end(clip.bytes);
}

/** GET /local/usage: the ledger, the caller's own (the owner: anyone's, or everyone's). */
export function handleUsage(call: Call): void {
  const own = call.principal.user.id;
  const asked = call.url.searchParams.get("user_id");
  if (asked && asked !== own) requireOwner(call);
  const userId = isOwner(call.ctx, call.principal) ? asked || undefined : own;
  const limit = intParam(call.url, "limit", 1, 10_000) ?? 200;
  const items = call.ctx.accounts.usage(userId).slice(-limit).reverse().map(usageJson);
  sendJson(call.res, 200, { items });
}

/** GET /local/users (owner): users with balances and key ids. */
export function handleListUsers(call: Call): void {
  requireOwner(call);
  const keys = call.ctx.accounts.listApiKeys();
  const items = call.ctx.accounts.listUsers().map((u) => ({
    user_id: u.id,
    nickname: u.nickname,
    credit: formatCredits(u.creditMicro),
    created_at: u.createdAt,
    keys: keys
      .filter((k) => k.userId === u.id)
      .map((k) => ({ key_id: k.id, label: k.label, created_at: k.createdAt })),
  }));
  sendJson(call.res, 200, { items });
}

/** POST /local/users (owner): a new user with a key, shown this once. */
export async function handleCreateUser(call: Call): Promise<void> {
  requireOwner(call);
  const { ctx } = call;
  const body = await jsonBody(call);
  const nickname = optionalText(body, "nickname", 100) || "user";
  let micro = ctx.initialCreditMicro;
  if (body.credits !== undefined && body.credits !== null) {
    try {
      micro = parseCredits(body.credits as number | string);
    } catch {
      micro = -1;
    }
    if (micro < 0) {
      throw new HttpError(422, "Field 'credits' must be a number of credits, 0 or more");
    }
  }
  const user = ctx.accounts.createUser(nickname, micro);
  const key = ctx.accounts.addApiKey(user.id, undefined, "created in the console");
  sendJson(call.res, 201, {
    user_id: user.id,
    nickname: user.nickname,
    credit: formatCredits(user.creditMicro),
    key_id: ctx.accounts.authenticate(key)!.keyId,
    api_key: key,
  });
}

/** POST /local/users/{id}/keys (owner): another key for a user, shown this once. */
export async function handleCreateKey(call: Call): Promise<void> {
  requireOwner(call);
  const { ctx } = call;
  const userId = call.params.id!;
  if (!ctx.accounts.getUser(userId)) throw new HttpError(404, `No user '${userId}'`);
  const body = await jsonBody(call);
  const label = optionalText(body, "label", 100) || "created in the console";
  const key = ctx.accounts.addApiKey(userId, undefined, label);
  sendJson(call.res, 201, {
    user_id: userId,
    key_id: ctx.accounts.authenticate(key)!.keyId,
    label,
    api_key: key,
  });
}

/** DELETE /local/keys/{key_id} (owner): the key stops working at once. */
export function handleRevokeKey(call: Call): void {
  requireOwner(call);
  const keyId = call.params.key_id!;
  if (keyId === call.principal.keyId) {
    throw new HttpError(
      409,
      "This is the key you are signed in with: revoke it from a session with another key",
    );
  }
  if (!call.ctx.accounts.revokeApiKey(keyId)) {
    throw new HttpError(404, `No stored key '${keyId}'`);
  }
  sendJson(call.res, 200, {});
}
