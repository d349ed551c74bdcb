import { sniffAudio, sniffImage } from "../audio/sniff.js";
import { decodeUpload } from "../audio/upload.js";
import type { ServerContext } from "../context.js";
import { EngineUnavailableError, type PcmChunk } from "../engines/types.js";
import { HttpError } from "../http/errors.js";
import { boolField, fileField, listField, textField } from "../http/fields.js";
import type { FieldBag } from "../http/forms.js";
import type { Principal } from "../store/accounts.js";
import type { NewVoice, Visibility, VoicePatch } from "../store/voices.js";
import { detectLanguage } from "../tts/text.js";
import { closestVoice } from "../tts/voice-plan.js";

const VISIBILITIES = new Set<Visibility>(["public", "unlist", "private"]);
const MAX_VOICES = 20;

function visibility(bag: FieldBag): Visibility | undefined {
  const value = textField(bag, "visibility");
  if (value === undefined) return undefined;
  if (!VISIBILITIES.has(value as Visibility)) {
    throw new HttpError(
      422,
      `'visibility' must be public, unlist or private, got ${JSON.stringify(value)}`,
    );
  }
  return value as Visibility;
}

function coverImage(bag: FieldBag): Uint8Array | undefined {
  const covers = fileField(bag, "cover_image");
  if (covers.length === 0) return undefined;
  const cover = covers[0]!;
  if (!sniffImage(cover)) {
    throw new HttpError(400, "'cover_image' is not an image (png, jpeg, gif, webp or bmp)");
  }
  return cover;
}

function tags(bag: FieldBag): string[] | undefined {
  return listField(bag, "tags", () => true)
    ?.map((t) => t.trim())
    .filter((t) => t !== "");
}

/**
 * Validates a create request (any body encoding), then decodes every sample, estimates its
 * pitch and transcribes samples that came without text, to build the voice to store.
 * @example const voice = await buildNewVoice(ctx, principal, bag);
 */
export async function buildNewVoice(
  ctx: ServerContext,
  principal: Principal,
  bag: FieldBag,
): Promise<NewVoice> {
  const title = textField(bag, "title")?.trim();
  if (!title) throw new HttpError(422, "Field 'title' is required");
  const type = textField(bag, "type");
  if (type !== undefined && type !== "tts") {
    throw new HttpError(422, `'type' must be "tts", got ${JSON.stringify(type)}`);
  }
  const trainMode = textField(bag, "train_mode");
  if (trainMode !== undefined && trainMode !== "fast") {
    throw new HttpError(422, `'train_mode' must be "fast", got ${JSON.stringify(trainMode)}`);
  }
  const samples = fileField(bag, "voices");
  if (samples.length === 0) {
    throw new HttpError(422, "Field 'voices' is required: send 1 to 20 audio files");
  }
  if (samples.length > MAX_VOICES) {
    throw new HttpError(
      422,
      `At most ${MAX_VOICES} 'voices' files per voice, got ${samples.length}`,
    );
  }
  const texts =
    listField(bag, "texts", (parts) => parts.length === samples.length && samples.length > 1) ?? [];
  if (texts.length > samples.length) {
    throw new HttpError(
      422,
      `Got ${texts.length} 'texts' for ${samples.length} 'voices' files; send at most one text per file`,
    );
  }
  const description = textField(bag, "description") ?? "";
  boolField(bag, "enhance_audio_quality");
  boolField(bag, "generate_sample");
  const cover = coverImage(bag);

  const decoded: PcmChunk[] = [];
  for (const [i, audio] of samples.entries()) {
    if (!sniffAudio(audio)) {
      throw new HttpError(
        400,
        `voices[${i}] is not a recognised audio file (send wav, mp3, ogg, flac or m4a)`,
      );
    }
    const pcm = await decodeUpload(ctx, audio, `voices[${i}]`);
    if (pcm.samples.length === 0) throw new HttpError(400, `voices[${i}] contains no audio`);
    decoded.push(pcm);
  }

  const transcripts: string[] = [];
  for (const [i, pcm] of decoded.entries()) {
    let text = texts[i]?.trim() ?? "";
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
  return {
    ownerId: principal.user.id,
    title,
    description,
    visibility: visibility(bag) ?? "public",
    tags: tags(bag) ?? [],
    languages: engineVoice.languages.includes(language) ? [language] : engineVoice.languages,
    engineVoiceId: engineVoice.id,
    pitchHz,
    coverImage: cover ?? null,
    samples: samples.map((audio, i) => ({
      audio,
      text: transcripts[i] ?? "",
      duration: decoded[i]!.samples.length / decoded[i]!.sampleRate,
    })),
  };
}

/**
 * Validates an update request (any body encoding) into a patch.
 * @example const patch = parseVoicePatch(bag);
 */
export function parseVoicePatch(bag: FieldBag): VoicePatch {
  const patch: VoicePatch = {};
  const title = textField(bag, "title");
  if (title !== undefined) {
    if (title.trim() === "") throw new HttpError(422, "'title' must not be empty");
    patch.title = title.trim();
  }
  const description = textField(bag, "description");
  if (description !== undefined) patch.description = description;
  const vis = visibility(bag);
  if (vis !== undefined) patch.visibility = vis;
  const tagList = tags(bag);
  if (tagList !== undefined) patch.tags = tagList;
  const cover = coverImage(bag);
  if (cover !== undefined) patch.coverImage = cover;
  return patch;
}
