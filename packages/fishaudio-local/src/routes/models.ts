import type { IncomingMessage, ServerResponse } from "node:http";
import { audioContentType, imageContentType, sniffAudio, sniffImage } from "../audio/sniff.js";
import type { ServerContext } from "../context.js";
import { HttpError, sendJson } from "../http/errors.js";
import type { FieldBag } from "../http/forms.js";
import { validateFields, validateQuery } from "../schema/validate.js";
import type { Principal } from "../store/accounts.js";
import type { CatalogEntry } from "../store/voice-listing.js";
import { BENCHMARK_VOICE_ID } from "../tts/benchmark.js";
import { visibleVoice } from "../tts/voice-plan.js";
import {
  buildNewVoice,
  type NewVoiceFields,
  parseVoicePatch,
  VOICE_FILES,
  type VoicePatchFields,
} from "../voices/create.js";
import {
  benchmarkVoiceEntity,
  engineVoiceEntity,
  type ModelEntity,
  storedVoiceEntity,
} from "../voices/entity.js";
import type { Call } from "./table.js";

/** GET /model's query, as the schema types it (validate.ts). */
interface ListQuery {
  page_size?: number;
  page_number?: number;
  self?: boolean;
  sort_by?: "score" | "task_count" | "created_at";
  title?: string;
  tag?: string[];
  language?: string[];
  title_language?: string[];
  author_id?: string;
}

/** Repeated (`tag=a&tag=b`) and comma-joined (`tag=a,b`) values alike, as the SDKs send both. */
function listOf(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

/** GET /model: public voices (engine ones first) plus the caller's own, filtered and paged. */
export function handleListModels(
  ctx: ServerContext,
  _req: IncomingMessage,
  res: ServerResponse,
  principal: Principal,
  url: URL,
): void {
  const query = validateQuery("get /model", url) as ListQuery;
  const pageSize = query.page_size ?? 10;
  const pageNumber = query.page_number ?? 1;
  const builtIn = builtInEntities(ctx);
  // Engine voices rank first under sort_by=score, in the engines' own order (the first is the
  // default voice); the benchmark voice ranks as a voice nobody has used.
  const catalog: CatalogEntry[] = [...builtIn.values()].map((entity, i) => ({
    id: entity._id,
    title: entity.title,
    tags: entity.tags,
    languages: entity.languages,
    createdAt: entity.created_at,
    taskCount: entity.task_count,
    score: entity._id === BENCHMARK_VOICE_ID ? 0 : Number.MAX_SAFE_INTEGER - i,
    authorId: entity.author._id,
  }));
  const authorId = query.author_id?.trim();
  const page = ctx.voices.listPage({
    viewerId: principal.user.id,
    selfOnly: query.self ?? false,
    ...(authorId ? { authorId } : {}),
    title: query.title?.trim() ?? "",
    tags: listOf(query.tag),
    languages: [...listOf(query.language), ...listOf(query.title_language)],
    sortBy: query.sort_by ?? "score",
    limit: pageSize,
    offset: (pageNumber - 1) * pageSize,
    catalog,
  });
  const base = ctx.baseUrl();
  const items = page.items.map((item) =>
    "voice" in item ? storedVoiceEntity(item.voice, base) : builtIn.get(item.catalogId)!,
  );
  sendJson(res, 200, {
    total: page.total,
    items,
    has_more: (pageNumber - 1) * pageSize + items.length < page.total,
  });
}

/** Engine voices (and the benchmark voice when enabled) by id, in listing order. */
function builtInEntities(ctx: ServerContext): Map<string, ModelEntity> {
  const entities = ctx.engines.voices().map(engineVoiceEntity);
  if (ctx.benchmarkVoice) entities.push(benchmarkVoiceEntity());
  return new Map(entities.map((e) => [e._id, e]));
}

/** The entity for any voice id the caller may see, or 404. */
function findEntity(ctx: ServerContext, principal: Principal, id: string): ModelEntity {
  if (id === BENCHMARK_VOICE_ID && ctx.benchmarkVoice) return benchmarkVoiceEntity();
  const engineVoice = ctx.engines.voices().find((v) => v.id === id);
  if (engineVoice) return engineVoiceEntity(engineVoice);
  const stored = visibleVoice(ctx, principal, id);
  if (!stored) throw new HttpError(404, `Voice '${id}' not found`);
  return storedVoiceEntity(stored, ctx.baseUrl());
}

/** GET /model/{id}. */
export function handleGetModel(
  ctx: ServerContext,
  _req: IncomingMessage,
  res: ServerResponse,
  principal: Principal,
  id: string,
): void {
  sendJson(res, 200, findEntity(ctx, principal, id));
}

/** POST /model: clone a voice from 1–20 samples; 201 with the new ModelEntity. */
export async function handleCreateModel(c: Call): Promise<void> {
  const { ctx, res, principal } = c;
  const bag = await c.fields();
  const fields = validateFields<NewVoiceFields>("post /model", bag, VOICE_FILES);
  const voice = ctx.voices.create(await buildNewVoice(ctx, principal, fields));
  ctx.log(`voice ${voice.id} created by user ${principal.user.id}`);
  sendJson(res, 201, storedVoiceEntity(voice, ctx.baseUrl()));
}

/** A voice the caller may change: their own; others' visible voices give 403, invisible 404. */
function ownedVoice(ctx: ServerContext, principal: Principal, id: string) {
  const isBuiltIn =
    ctx.engines.voices().some((v) => v.id === id) ||
    (id === BENCHMARK_VOICE_ID && ctx.benchmarkVoice);
  if (isBuiltIn)
    throw new HttpError(403, `Voice '${id}' is a built-in engine voice and cannot be changed`);
  const voice = visibleVoice(ctx, principal, id);
  if (!voice) throw new HttpError(404, `Voice '${id}' not found`);
  if (voice.ownerId !== principal.user.id) {
    throw new HttpError(403, `Voice '${id}' belongs to another user; only its owner may change it`);
  }
  return voice;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  if (length !== undefined) return Number(length) > 0;
  return req.headers["transfer-encoding"] !== undefined;
}

/** PATCH /model/{id}: title, description, visibility, tags, cover image. */
export async function handleUpdateModel(c: Call): Promise<void> {
  const { ctx, res, principal } = c;
  const id = c.params.id!;
  ownedVoice(ctx, principal, id);
  const bag: FieldBag = hasBody(c.req) ? await c.fields() : { kind: "form", fields: new Map() };
  const fields = validateFields<VoicePatchFields>("patch /model/{id}", bag, VOICE_FILES);
  const patch = parseVoicePatch(fields);
  // Checked again after the body: the voice may have been deleted (or given away) while it
  // arrived, and the update itself only touches a row this owner still has.
  ownedVoice(ctx, principal, id);
  if (!ctx.voices.update(id, principal.user.id, patch)) {
    throw new HttpError(404, `Voice '${id}' not found`);
  }
  sendJson(res, 200, {});
}

/** DELETE /model/{id}. */
export function handleDeleteModel(
  ctx: ServerContext,
  _req: IncomingMessage,
  res: ServerResponse,
  principal: Principal,
  id: string,
): void {
  ownedVoice(ctx, principal, id);
  ctx.voices.delete(id);
  sendJson(res, 200, {});
}

/** GET /model/{id}/samples/{n}: a stored sample's audio (the `samples[].audio` URL). */
export function handleSampleAudio(
  ctx: ServerContext,
  res: ServerResponse,
  principal: Principal,
  id: string,
  index: number,
): void {
  const voice = visibleVoice(ctx, principal, id);
  const audio = voice && ctx.voices.sampleAudio(id, index);
  if (!audio) throw new HttpError(404, `Sample ${index} of voice '${id}' not found`);
  res.writeHead(200, {
    "Content-Type": audioContentType(sniffAudio(audio)),
    "Content-Length": audio.length,
  });
  res.end(audio);
}

/** GET /model/{id}/cover: the cover image (the `cover_image` URL). */
export function handleCoverImage(
  ctx: ServerContext,
  res: ServerResponse,
  principal: Principal,
  id: string,
): void {
  const voice = visibleVoice(ctx, principal, id);
  const image = voice && ctx.voices.coverImage(id);
  if (!image) throw new HttpError(404, `Voice '${id}' has no cover image`);
  res.writeHead(200, {
    "Content-Type": imageContentType(sniffImage(image)),
    "Content-Length": image.length,
  });
  res.end(image);
}
