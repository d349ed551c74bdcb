import type { RequestSpec, RequestSpecInput } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { ValidationError } from "../core/error.js";
import { PagePromise, type PaginatedResponse } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";
import { checkUploadable, type Uploadable } from "../core/uploads.js";
import { buildForm, buildUrlEncoded, type FormField } from "../internal/multipart.js";
import type { RequestOptions } from "../internal/request-options.js";
import {
  checkArray,
  checkBoolean,
  checkInt,
  checkOneOf,
  checkString,
  checkStrings,
} from "../internal/validation.js";
import { toVoice, toVoicePage } from "../internal/wire/responses.js";
import {
  toVoiceDesignBody,
  toVoiceDesignResponse,
  VOICE_DESIGN_MODEL,
} from "../internal/wire/voice-design.js";

export type Visibility = "public" | "unlist" | "private";
const VISIBILITIES: readonly Visibility[] = ["public", "unlist", "private"];

/** A voice (the API calls it a model). */
export interface Voice {
  /** Wire `_id`; pass it as `referenceId` to speak with this voice. */
  id: string;
  /** "tts" or "svc". */
  type: string;
  title: string;
  description: string;
  /** URL, "" when there is none. */
  coverImage: string;
  /** "fast" or "full". */
  trainMode: string;
  /** "created", "training", "trained" or "failed". */
  state: string;
  tags: string[];
  samples: VoiceSample[];
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  updatedAt: string;
  languages: string[];
  visibility: Visibility | (string & {});
  lockVisibility: boolean;
  likeCount: number;
  markCount: number;
  sharedCount: number;
  taskCount: number;
  liked: boolean;
  marked: boolean;
  author: VoiceAuthor;
}

export interface VoiceSample {
  title: string;
  text: string;
  taskId: string;
  /** URL of the sample audio. */
  audio: string;
}

export interface VoiceAuthor {
  id: string;
  nickname: string;
  avatar: string;
}

export interface VoiceListParams {
  /** Default 10. */
  pageSize?: number;
  /** 1-based, default 1. */
  pageNumber?: number;
  title?: string;
  tags?: string | string[];
  /** Only your own voices. Default false. */
  selfOnly?: boolean;
  authorId?: string;
  language?: string | string[];
  titleLanguage?: string | string[];
  /** "task_count" (default), "created_at" or "score". */
  sortBy?: "task_count" | "created_at" | "score" | (string & {});
}

export interface VoiceCreateParams {
  title: string;
  /** 1 to 20 audio samples of the voice. */
  voices: Uploadable[];
  description?: string;
  /** Transcripts of `voices`, in the same order. */
  texts?: string[];
  tags?: string[];
  coverImage?: Uploadable;
  /** Default "private". */
  visibility?: Visibility;
  /** Default "fast". */
  trainMode?: "fast" | (string & {});
  /** Default true. */
  enhanceAudioQuality?: boolean;
  /** Have the server speak and store a sample of the new voice. Default false. */
  generateSample?: boolean;
}

export interface VoiceUpdateParams {
  title?: string;
  description?: string;
  coverImage?: Uploadable;
  visibility?: Visibility;
  tags?: string[];
}

/** `client.voices.design(...)`: `VoiceDesignRequest` in camelCase, bounds as its schema states. */
export interface VoiceDesignParams {
  /** What the voice should sound like, 1 to 2000 characters. */
  instruction: string;
  /** The line the candidates read (at most 150 characters); the server picks one when unset. */
  referenceText?: string | null;
  /** BCP-47 language hint such as "en", "zh" or "ja". */
  language?: string | null;
  /** Number of candidates, 1 to 4 (server default 2). */
  n?: number;
  /** Speaking speed multiplier, above 0 and at most 3 (server default 1). */
  speed?: number;
  /** Diffusion steps of the design model, 1 to 128 (server default 32). */
  numStep?: number;
  /** How strongly candidates follow the instruction, at least 0 (server default 2). */
  guidanceScale?: number;
  /** Instruction guidance for prompt conditioning, at least 0 (server default 0). */
  instructGuidanceScale?: number;
  /** The same instruction and seed give the same candidates. */
  seed?: number | null;
  /** The `model` header; the service has one, "voice-design-1" (the default). */
  model?: "voice-design-1" | (string & {});
}

/** One generated voice: its audio (WAV bytes) and what it says. */
export interface VoiceCandidate {
  /** Stable identifier of this candidate. */
  id: string;
  /** Position in the response. */
  index: number;
  /** The candidate's audio, decoded from the wire's base64 (WAV today). */
  audio: Uint8Array;
  sampleRate: number;
  durationMs: number;
  /** What the candidate says, when the server reports it. */
  text?: string;
  /** The instruction it was made from, when the server reports it. */
  instruct?: string;
  /** The requested or detected language, when the server reports it. */
  language?: string;
}

export interface VoiceDesignResponse {
  /** In `index` order. */
  candidates: VoiceCandidate[];
}

/** Voice management: `client.voices`. */
export class Voices extends APIResource {
  /**
   * One page of voices when awaited; every matching voice when iterated with `for await`.
   * @example
   * const { total, items } = await client.voices.list({ pageSize: 20, selfOnly: true });
   * for await (const voice of client.voices.list({ tags: ["english"] })) console.log(voice.id);
   */
  list(params: VoiceListParams = {}, options?: RequestOptions): PagePromise<Voice> {
    const p = params ?? {};
    const pageSize = p.pageSize ?? 10;
    const pageNumber = p.pageNumber ?? 1;
    const spec = async (page: number): Promise<RequestSpec> => {
      const query = {
        page_size: checkInt("pageSize", pageSize, 1),
        page_number: checkInt("pageNumber", page, 1),
        title: p.title === undefined ? undefined : checkString("title", p.title),
        tag: p.tags === undefined ? undefined : checkStrings("tags", p.tags),
        self: checkBoolean("selfOnly", p.selfOnly ?? false),
        author_id: p.authorId === undefined ? undefined : checkString("authorId", p.authorId),
        language: p.language === undefined ? undefined : checkStrings("language", p.language),
        title_language:
          p.titleLanguage === undefined
            ? undefined
            : checkStrings("titleLanguage", p.titleLanguage),
        sort_by: checkString("sortBy", p.sortBy ?? "task_count", { nonEmpty: true }),
      };
      return { method: "GET", path: "/model", query };
    };
    const fetchPage = (page: number): APIPromise<PaginatedResponse<Voice>> =>
      this._client.requestJSON(spec(page), options)._thenUnwrap(toVoicePage);
    return new PagePromise(fetchPage, pageNumber, pageSize);
  }

  /**
   * Fetches one voice by id.
   * @example const voice = await client.voices.get("802e3bc2b27e49c2995d23ef70e6ac89");
   */
  get(voiceId: string, options?: RequestOptions): APIPromise<Voice> {
    return this._client
      .requestJSON(
        guarded(() => ({ method: "GET", path: voicePath(voiceId) })),
        options,
      )
      ._thenUnwrap(toVoice);
  }

  /**
   * Clones a voice from audio samples (multipart, fields as the Python SDK sends them).
   * @example
   * const voice = await client.voices.create({ title: "Me", voices: [wavBytes], texts: ["Hello there."] });
   */
  create(params: VoiceCreateParams, options?: RequestOptions): APIPromise<Voice> {
    return this._client.requestJSON(createSpec(params), options)._thenUnwrap(toVoice);
  }

  /**
   * Designs voices from a description: `n` candidates with their audio (WAV bytes), to hear and
   * to keep one with `keep`.
   * @example
   * const { candidates } = await client.voices.design({ instruction: "warm, deep narrator", n: 3 });
   * await writeFile("first.wav", candidates[0].audio);
   */
  design(params: VoiceDesignParams, options?: RequestOptions): APIPromise<VoiceDesignResponse> {
    return this._client
      .requestJSON(
        guarded(() => designSpec(params)),
        options,
      )
      ._thenUnwrap(toVoiceDesignResponse);
  }

  /**
   * Keeps a designed candidate as a voice: creates one from its audio and text in one call.
   * @example
   * const voice = await client.voices.keep(candidates[1], { title: "Narrator" });
   * await client.tts.convert({ text: "Hello", referenceId: voice.id });
   */
  keep(
    candidate: VoiceCandidate,
    params: Omit<VoiceCreateParams, "voices" | "texts">,
    options?: RequestOptions,
  ): APIPromise<Voice> {
    const spec = async (): Promise<RequestSpec> => {
      if (!candidate || !(candidate.audio instanceof Uint8Array)) {
        throw new ValidationError("candidate", "must be a candidate from voices.design().");
      }
      return createSpec({
        ...params,
        voices: [candidate.audio],
        ...(candidate.text ? { texts: [candidate.text] } : {}),
      });
    };
    return this._client.requestJSON(spec(), options)._thenUnwrap(toVoice);
  }

  /**
   * Changes a voice's metadata (form-urlencoded, or multipart when a cover image is given).
   * @example await client.voices.update(voice.id, { title: "New title", visibility: "unlist" });
   */
  update(voiceId: string, params: VoiceUpdateParams, options?: RequestOptions): APIPromise<void> {
    return this._client.requestJSON(updateSpec(voiceId, params), options)._thenUnwrap(nothing);
  }

  /**
   * Deletes a voice.
   * @example await client.voices.delete(voice.id);
   */
  delete(voiceId: string, options?: RequestOptions): APIPromise<void> {
    return this._client
      .requestJSON(
        guarded(() => ({ method: "DELETE", path: voicePath(voiceId) })),
        options,
      )
      ._thenUnwrap(nothing);
  }
}

/** Multipart fields as the Python SDK sends them, after validating every one. */
async function createSpec(params: VoiceCreateParams): Promise<RequestSpec> {
  checkString("title", params?.title, { nonEmpty: true });
  const voices = checkArray("voices", params.voices);
  if (voices.length === 0) {
    throw new ValidationError("voices", "needs at least one audio sample.");
  }
  voices.forEach((voice, i) => {
    checkUploadable(`voices[${i}]`, voice);
  });
  if (params.coverImage !== undefined) checkUploadable("coverImage", params.coverImage);
  const fields: FormField[] = [
    { name: "title", value: params.title },
    { name: "description", value: optionalString("description", params.description) },
    {
      name: "visibility",
      value: checkOneOf("visibility", params.visibility ?? "private", VISIBILITIES),
    },
    { name: "type", value: "tts" },
    {
      name: "train_mode",
      value: checkString("trainMode", params.trainMode ?? "fast", { nonEmpty: true }),
    },
    { name: "texts", value: optionalStrings("texts", params.texts) },
    { name: "tags", value: optionalStrings("tags", params.tags) },
    {
      name: "enhance_audio_quality",
      value: checkBoolean("enhanceAudioQuality", params.enhanceAudioQuality ?? true),
    },
    {
      name: "generate_sample",
      value:
        params.generateSample === undefined
          ? undefined
          : checkBoolean("generateSample", params.generateSample),
    },
    ...voices.map((voice) => ({ name: "voices", file: voice as Uploadable })),
    { name: "cover_image", file: params.coverImage },
  ];
  const body = await buildForm(fields);
  return { method: "POST", path: "/model", body };
}

/** `POST /v1/voice-design`: JSON only (not the msgpack the other bodies use), model header. */
function designSpec(params: VoiceDesignParams): RequestSpec {
  const body = toVoiceDesignBody(params);
  const model = checkString("model", params.model ?? VOICE_DESIGN_MODEL, { nonEmpty: true });
  return {
    method: "POST",
    path: "/v1/voice-design",
    body: new TextEncoder().encode(JSON.stringify(body)),
    headers: { "Content-Type": "application/json", model },
  };
}

/** Form fields of an update: urlencoded, or multipart when there is a cover image. */
async function updateSpec(voiceId: string, params: VoiceUpdateParams): Promise<RequestSpec> {
  const p = params ?? {};
  if (p.coverImage !== undefined) checkUploadable("coverImage", p.coverImage);
  const fields: FormField[] = [
    { name: "title", value: optionalString("title", p.title) },
    { name: "description", value: optionalString("description", p.description) },
    {
      name: "visibility",
      value:
        p.visibility === undefined
          ? undefined
          : checkOneOf("visibility", p.visibility, VISIBILITIES),
    },
    { name: "tags", value: optionalStrings("tags", p.tags) },
    { name: "cover_image", file: p.coverImage },
  ];
  const body = p.coverImage === undefined ? buildUrlEncoded(fields) : await buildForm(fields);
  return { method: "PATCH", path: voicePath(voiceId), body };
}

/**
 * The spec, or a rejected promise when building it throws: validation errors reject the call's
 * promise instead of throwing, without an extra promise when the arguments are fine.
 */
function guarded(build: () => RequestSpec): RequestSpecInput {
  try {
    return build();
  } catch (error) {
    return Promise.reject(error);
  }
}

function nothing(): void {}

function voicePath(voiceId: string): string {
  return `/model/${encodeURIComponent(checkString("voiceId", voiceId, { nonEmpty: true }))}`;
}

function optionalString(field: string, value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : checkString(field, value);
}

function optionalStrings(field: string, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return checkArray(field, value).map((item, i) => checkString(`${field}[${i}]`, item));
}
