/**
 * JSON answers -> the camelCase types of the public API, in one place. Tolerant on purpose:
 * extra fields are ignored, missing optional fields get the server's documented default, and
 * the known disagreements (train_mode "full", package without `_id`, numeric `credit`) pass.
 */
import { APIError } from "../../core/error.js";
import type { PaginatedResponse } from "../../core/pagination.js";
import type { Credits, Package } from "../../resources/account.js";
import type { ASRResponse, ASRSegment } from "../../resources/asr.js";
import type { Voice, VoiceAuthor, VoiceSample } from "../../resources/voices.js";

type Json = Record<string, unknown>;

function object(value: unknown, what: string): Json {
  if (value && typeof value === "object" && !Array.isArray(value)) return value as Json;
  throw new APIError(
    200,
    value,
    `Unexpected response: expected ${what} as a JSON object, got ${value === undefined ? "an empty body" : JSON.stringify(value).slice(0, 200)}.`,
    undefined,
  );
}

const str = (value: unknown, fallback = ""): string =>
  typeof value === "string"
    ? value
    : value === null || value === undefined
      ? fallback
      : String(value);
const optStr = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : String(value);
const num = (value: unknown, fallback = 0): number => {
  const n =
    typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : fallback;
};
const bool = (value: unknown, fallback = false): boolean =>
  typeof value === "boolean" ? value : fallback;
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v) => typeof v === "string") : [];
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A `ModelEntity` from `/model` endpoints. */
export function toVoice(raw: unknown): Voice {
  const v = object(raw, "a voice");
  return {
    id: str(v._id ?? v.id),
    type: str(v.type, "tts"),
    title: str(v.title),
    description: str(v.description),
    coverImage: str(v.cover_image),
    trainMode: str(v.train_mode, "full"),
    state: str(v.state),
    tags: strings(v.tags),
    samples: list(v.samples).map(toSample),
    createdAt: str(v.created_at),
    updatedAt: str(v.updated_at),
    languages: strings(v.languages),
    visibility: str(v.visibility),
    lockVisibility: bool(v.lock_visibility),
    likeCount: num(v.like_count),
    markCount: num(v.mark_count),
    sharedCount: num(v.shared_count),
    taskCount: num(v.task_count),
    liked: bool(v.liked),
    marked: bool(v.marked),
    author: toAuthor(v.author),
  };
}

function toSample(raw: unknown): VoiceSample {
  const s = raw && typeof raw === "object" ? (raw as Json) : {};
  return { title: str(s.title), text: str(s.text), taskId: str(s.task_id), audio: str(s.audio) };
}

function toAuthor(raw: unknown): VoiceAuthor {
  const a = raw && typeof raw === "object" ? (raw as Json) : {};
  return { id: str(a._id ?? a.id), nickname: str(a.nickname), avatar: str(a.avatar) };
}

/** `{total, items}` of `GET /model`. */
export function toVoicePage(raw: unknown): PaginatedResponse<Voice> {
  const page = object(raw, "a page of voices");
  return { total: num(page.total), items: list(page.items).map(toVoice) };
}

/** `GET /wallet/self/api-credit`; `credit` stays a decimal string, whatever the JSON type. */
export function toCredits(raw: unknown): Credits {
  const c = object(raw, "an API credit record");
  const credits: Credits = {
    id: str(c._id ?? c.id),
    userId: str(c.user_id),
    credit: str(c.credit, "0"),
    createdAt: str(c.created_at),
    updatedAt: str(c.updated_at),
  };
  if (c.cumulative_top_up !== undefined && c.cumulative_top_up !== null) {
    credits.cumulativeTopUp = str(c.cumulative_top_up);
  }
  if (typeof c.has_phone_sha256 === "boolean") credits.hasPhoneSha256 = c.has_phone_sha256;
  if (typeof c.has_free_credit === "boolean") credits.hasFreeCredit = c.has_free_credit;
  return credits;
}

/** `GET /wallet/self/package`; the live API sends no `_id`, so `id` may be undefined. */
export function toPackage(raw: unknown): Package {
  const p = object(raw, "a package record");
  const pkg: Package = {
    id: optStr(p._id ?? p.id),
    userId: str(p.user_id),
    type: str(p.type),
    total: num(p.total),
    balance: num(p.balance),
    createdAt: str(p.created_at),
    updatedAt: str(p.updated_at),
  };
  const finishedAt = optStr(p.finished_at);
  if (finishedAt !== undefined) pkg.finishedAt = finishedAt;
  return pkg;
}

/** `POST /v1/asr`. */
export function toASRResponse(raw: unknown): ASRResponse {
  const r = object(raw, "a transcription");
  const result: ASRResponse = {
    text: str(r.text),
    duration: num(r.duration),
    segments: list(r.segments).map(toSegment),
  };
  const language = optStr(r.language);
  if (language !== undefined) result.language = language;
  const languageCode = optStr(r.language_code);
  if (languageCode !== undefined) result.languageCode = languageCode;
  return result;
}

function toSegment(raw: unknown): ASRSegment {
  const s = raw && typeof raw === "object" ? (raw as Json) : {};
  return { text: str(s.text), start: num(s.start), end: num(s.end) };
}
