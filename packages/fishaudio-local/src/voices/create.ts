import { sniffAudio, sniffImage } from "../audio/sniff.js";
import { AudioBudget, decodeUpload } from "../audio/upload.js";
import type { ServerContext } from "../context.js";
import { EngineUnavailableError, type PcmChunk } from "../engines/types.js";
import { HttpError } from "../http/errors.js";
import type { Principal } from "../store/accounts.js";
import type { NewVoice, Visibility, VoicePatch } from "../store/voices.js";
import { detectLanguage } from "../tts/text.js";
import { closestVoice } from "../tts/voice-plan.js";
import { generatedSample } from "./generated-sample.js";
import { checkLength, parseTags, VOICE_TEXT_LIMITS } from "./limits.js";

/** Fields sent as files: multipart file parts, msgpack bin, or base64 text in JSON. */
export const VOICE_FILES = ["voices", "cover_image"] as const;

/** POST /model's body after schema validation (schema/validate.ts). */
export interface NewVoiceFields {
  title: string;
  voices: Uint8Array | Uint8Array[];
  texts?: string | string[];
  description?: string;
  visibility?: Visibility;
  tags?: string | string[];
  cover_image?: Uint8Array | Uint8Array[];
  /** Also speak and store a sample of the new voice. */
  generate_sample?: boolean;
}

/** PATCH /model/{id}'s body after schema validation. */
export type VoicePatchFields = Partial<
  Pick<NewVoiceFields, "title" | "description" | "visibility" | "tags" | "cover_image">
>;

function listOf<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function coverImage(fields: VoicePatchFields): Uint8Array | undefined {
  const cover = listOf(fields.cover_image)[0];
  if (cover === undefined) return undefined;
  if (!sniffImage(cover)) {
    throw new HttpError(400, "'cover_image' is not an image (png, jpeg, gif, webp or bmp)");
  }
  return cover;
}

/** Tags repeated, as a list, or comma-joined in one value (the SDKs send all three). */
function tags(fields: VoicePatchFields): string[] | undefined {
  return fields.tags === undefined ? undefined : parseTags(listOf(fields.tags));
}

/** One text per sample; a single comma-joined value is split only when it then fits the samples. */
function texts(fields: NewVoiceFields, samples: number): string[] {
  const { sampleTextChars } = VOICE_TEXT_LIMITS;
  let list = listOf(fields.texts);
  if (list.length === 1 && samples > 1) {
    checkLength("texts", list[0]!, (sampleTextChars + 1) * samples);
    const parts = list[0]!.split(",").map((p) => p.trim());
    if (parts.length === samples) list = parts;
  }
  for (const [i, text] of list.entries()) checkLength(`texts[${i}]`, text, sampleTextChars);
  return list;
}

/**
 * From a validated create request, decodes every sample, estimates its
 * pitch and transcribes samples that came without text, to build the voice to store.
 * @example const voice = await buildNewVoice(ctx, principal, fields);
 */
export async function buildNewVoice(
  ctx: ServerContext,
  principal: Principal,
  fields: NewVoiceFields,
): Promise<NewVoice> {
  // The schema takes any string; a blank title would make an unnamed voice.
  const title = fields.title.trim();
  if (!title) throw new HttpError(422, "Field 'title' must not be blank: name the voice");
  checkLength("title", title, VOICE_TEXT_LIMITS.titleChars);
  const samples = listOf(fields.voices);
  const sampleTexts = texts(fields, samples.length);
  if (sampleTexts.length > samples.length) {
    throw new HttpError(
      422,
      `Got ${sampleTexts.length} 'texts' for ${samples.length} 'voices' files; send at most one text per file`,
    );
  }
  const description = fields.description ?? "";
  checkLength("description", description, VOICE_TEXT_LIMITS.descriptionChars);
  const voiceTags = tags(fields) ?? [];
  const cover = coverImage(fields);

  const decoded: PcmChunk[] = [];
  const budget = new AudioBudget(ctx.maxAudioSeconds);
  for (const [i, audio] of samples.entries()) {
    if (!sniffAudio(audio)) {
      throw new HttpError(
        400,
        `voices[${i}] is not a recognised audio file (send wav, mp3, ogg, flac or m4a)`,
      );
    }
    const pcm = await decodeUpload(ctx, audio, `voices[${i}]`, budget);
    if (pcm.samples.length === 0) throw new HttpError(400, `voices[${i}] contains no audio`);
    decoded.push(pcm);
  }

  const transcripts: string[] = [];
  for (const [i, pcm] of decoded.entries()) {
    let text = sampleTexts[i]?.trim() ?? "";
    if (text === "") {
      try {
        text = (await ctx.engines.transcribe(pcm, { timestamps: false })).text;
      } catch (error) {
        // Without a recogniser the sample keeps an empty transcript; cloning still works.
        if (!(error instanceof EngineUnavailableError)) throw error;
      }
    }
    transcripts.push(text);
  }

  const pitches = decoded
    .map((pcm) => ctx.engines.estimatePitch(pcm))
    .filter((p): p is number => p !== undefined)
    .sort((a, b) => a - b);
  const pitchHz = pitches.length > 0 ? pitches[Math.floor(pitches.length / 2)]! : null;
  const language = detectLanguage(transcripts.join(" "));
  const engineVoice = closestVoice(ctx.engines.voices(), language, pitchHz ?? undefined);
  const stored = samples.map((audio, i) => ({
    audio,
    text: transcripts[i] ?? "",
    duration: decoded[i]!.samples.length / decoded[i]!.sampleRate,
  }));
  if (fields.generate_sample) {
    const settings = { engineVoiceId: engineVoice.id, ...(pitchHz !== null ? { pitchHz } : {}) };
    stored.push(await generatedSample(ctx, settings, language));
  }
  return {
    ownerId: principal.user.id,
    title,
    description,
    visibility: fields.visibility ?? "public",
    tags: voiceTags,
    languages: engineVoice.languages.includes(language) ? [language] : engineVoice.languages,
    engineVoiceId: engineVoice.id,
    pitchHz,
    coverImage: cover ?? null,
    samples: stored,
  };
}

/**
 * Turns a validated update request into a patch.
 * @example const patch = parseVoicePatch(fields);
 */
export function parseVoicePatch(fields: VoicePatchFields): VoicePatch {
  const patch: VoicePatch = {};
  if (fields.title !== undefined) {
    // The schema takes any string; a blank title would leave the voice unnamed.
    if (fields.title.trim() === "") throw new HttpError(422, "'title' must not be empty");
    patch.title = fields.title.trim();
    checkLength("title", patch.title, VOICE_TEXT_LIMITS.titleChars);
  }
  if (fields.description !== undefined) {
    checkLength("description", fields.description, VOICE_TEXT_LIMITS.descriptionChars);
    patch.description = fields.description;
  }
  if (fields.visibility !== undefined) patch.visibility = fields.visibility;
  const tagList = tags(fields);
  if (tagList !== undefined) patch.tags = tagList;
  const cover = coverImage(fields);
  if (cover !== undefined) patch.coverImage = cover;
  return patch;
}
