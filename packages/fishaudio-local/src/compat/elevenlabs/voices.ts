import type { ServerResponse } from "node:http";
import type { ServerContext } from "../../context.js";
import type { EngineVoice } from "../../engines/types.js";
import { sendJson } from "../../http/errors.js";
import type { Principal } from "../../store/accounts.js";
import type { StoredVoice } from "../../store/voices.js";
import { visibleVoice } from "../../tts/voice-plan.js";
import { CompatError } from "../errors.js";
import { CATALOG } from "../models.js";

type Voice = Record<string, unknown>;

const TTS_MODELS = CATALOG.filter((m) => m.task === "tts").map((m) => m.id);
/** Engine voices have no creation date of their own (the same fixed date as GET /model). */
const ENGINE_VOICE_UNIX = Date.parse("2026-01-01T00:00:00.000Z") / 1000;

function engineVoice(v: EngineVoice): Voice {
  return {
    voice_id: v.id,
    name: v.title,
    category: "premade",
    labels: { language: v.languages.join(", "), gender: v.gender, engine: v.engine },
    description: v.description,
    available_for_tiers: [],
    high_quality_base_model_ids: TTS_MODELS,
    is_owner: false,
    created_at_unix: ENGINE_VOICE_UNIX,
  };
}

function storedVoice(v: StoredVoice, principal: Principal, baseUrl: string): Voice {
  const voice: Voice = {
    voice_id: v.id,
    name: v.title,
    category: "cloned",
    labels: Object.fromEntries(v.tags.map((t) => [t, t])),
    description: v.description,
    available_for_tiers: [],
    high_quality_base_model_ids: TTS_MODELS,
    is_owner: v.ownerId === principal.user.id,
    created_at_unix: Math.floor(Date.parse(v.createdAt) / 1000),
  };
  if (v.samples.length > 0) voice.preview_url = `${baseUrl}/model/${v.id}/samples/0`;
  return voice;
}

/** The caller's voices: the engine voices (premade) and the voices the caller created (cloned). */
function library(ctx: ServerContext, principal: Principal): Voice[] {
  const own = ctx.voices.listOwned(principal.user.id);
  return [
    ...ctx.engines.voices().map(engineVoice),
    ...own.map((v) => storedVoice(v, principal, ctx.baseUrl())),
  ];
}

/** GET /v1/voices: every voice of the library. */
export function handleVoicesV1(
  ctx: ServerContext,
  res: ServerResponse,
  principal: Principal,
): void {
  sendJson(res, 200, { voices: library(ctx, principal) });
}

/** GET /v2/voices: searchable, filterable, paged by `next_page_token`. */
export function handleVoicesV2(
  ctx: ServerContext,
  res: ServerResponse,
  principal: Principal,
  url: URL,
): void {
  const q = url.searchParams;
  const pageSize = Number(q.get("page_size") ?? 10);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    throw new CompatError(400, "invalid_request", "'page_size' must be an integer from 1 to 100");
  }
  const start = Number(q.get("next_page_token") ?? 0);
  if (!Number.isInteger(start) || start < 0) {
    throw new CompatError(
      400,
      "invalid_request",
      "'next_page_token' must be a token from a previous page",
    );
  }
  let voices = library(ctx, principal);
  const search = q.get("search")?.trim().toLowerCase();
  if (search) {
    voices = voices.filter((v) =>
      `${v.name} ${v.description} ${v.voice_id}`.toLowerCase().includes(search),
    );
  }
  const category = q.get("category");
  if (category) voices = voices.filter((v) => v.category === category);
  const type = q.get("voice_type");
  if (type === "personal" || type === "non-default")
    voices = voices.filter((v) => v.category === "cloned");
  else if (type === "default") voices = voices.filter((v) => v.category === "premade");
  if (q.get("sort") === "name") voices.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  if (q.get("sort") === "created_at_unix") {
    voices.sort((a, b) => Number(a.created_at_unix) - Number(b.created_at_unix));
  }
  if (q.get("sort_direction") === "desc") voices.reverse();
  const page = voices.slice(start, start + pageSize);
  const more = start + pageSize < voices.length;
  const body: Record<string, unknown> = {
    voices: page,
    has_more: more,
    total_count: voices.length,
  };
  if (more) body.next_page_token = String(start + pageSize);
  sendJson(res, 200, body);
}

/** GET /v1/voices/{voice_id}: one voice of the library, or 404 `voice_not_found`. */
export function handleGetVoice(
  ctx: ServerContext,
  res: ServerResponse,
  principal: Principal,
  id: string,
): void {
  const engine = ctx.engines.voices().find((v) => v.id === id);
  if (engine) {
    sendJson(res, 200, engineVoice(engine));
    return;
  }
  const stored = visibleVoice(ctx, principal, id);
  if (!stored) {
    throw new CompatError(
      404,
      "voice_not_found",
      `A voice with the voice_id '${id}' was not found`,
    );
  }
  sendJson(res, 200, storedVoice(stored, principal, ctx.baseUrl()));
}

/** GET /v1/models: the Fish catalog in ElevenLabs' model shape. */
export function handleModels(ctx: ServerContext, res: ServerResponse): void {
  const languages = [...new Set(ctx.engines.voices().flatMap((v) => v.languages))].map((code) => ({
    language_id: code,
    name: new Intl.DisplayNames(["en"], { type: "language" }).of(code) ?? code,
  }));
  sendJson(
    res,
    200,
    CATALOG.map((m) => ({
      model_id: m.id,
      name: m.name,
      description: m.description,
      can_be_finetuned: false,
      can_do_text_to_speech: m.task === "tts",
      can_do_voice_conversion: false,
      can_use_style: false,
      can_use_speaker_boost: false,
      serves_pro_voices: false,
      token_cost_factor: 1,
      requires_alpha_access: false,
      languages: m.task === "tts" ? languages : [{ language_id: "en", name: "English" }],
    })),
  );
}
