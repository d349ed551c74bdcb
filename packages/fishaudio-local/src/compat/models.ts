import { CompatError } from "./errors.js";

/** One model of the catalog both protocols list. */
export interface CatalogModel {
  /** The protocol-facing id, e.g. "fish-audio/s2.1-pro". */
  id: string;
  /** The native model name recorded in the usage ledger, e.g. "s2.1-pro". */
  native: string;
  name: string;
  description: string;
  task: "tts" | "asr";
}

/** The Fish catalog, in the order the protocols list it. */
export const CATALOG: readonly CatalogModel[] = [
  {
    id: "fish-audio/s2.1-pro",
    native: "s2.1-pro",
    name: "Fish Audio S2.1 Pro",
    description: "Production multilingual text to speech (served locally by flite and eSpeak NG)",
    task: "tts",
  },
  {
    id: "fish-audio/s2.1-pro-free",
    native: "s2.1-pro-free",
    name: "Fish Audio S2.1 Pro Free",
    description: "Free tier of S2.1 Pro (served locally by flite and eSpeak NG)",
    task: "tts",
  },
  {
    id: "fish-audio/s2-pro",
    native: "s2-pro",
    name: "Fish Audio S2 Pro",
    description: "Expressive text to speech (served locally by flite and eSpeak NG)",
    task: "tts",
  },
  {
    id: "fish-audio/s1",
    native: "s1",
    name: "Fish Audio S1",
    description: "Multilingual text to speech (served locally by flite and eSpeak NG)",
    task: "tts",
  },
  {
    id: "fish-audio/transcribe-1",
    native: "transcribe-1",
    name: "Fish Audio Transcribe 1",
    description: "Speech to text with word timings (served locally by pocketsphinx, English)",
    task: "asr",
  },
];

/** Vendor model names that existing code sends, and the Fish model that serves them. */
const ALIASES: Record<string, string> = {
  "tts-1": "fish-audio/s2.1-pro",
  "tts-1-hd": "fish-audio/s2.1-pro",
  "gpt-4o-mini-tts": "fish-audio/s2.1-pro",
  "playai-tts": "fish-audio/s2.1-pro",
  "whisper-1": "fish-audio/transcribe-1",
  "gpt-4o-transcribe": "fish-audio/transcribe-1",
  "gpt-4o-mini-transcribe": "fish-audio/transcribe-1",
  "whisper-large-v3": "fish-audio/transcribe-1",
  "whisper-large-v3-turbo": "fish-audio/transcribe-1",
  "distil-whisper-large-v3-en": "fish-audio/transcribe-1",
};

/**
 * The catalog model a request names (an alias, or a Fish name with or without `fish-audio/`);
 * absent means the default model of the task. Anything else, or a model of the other task,
 * is a 400 (never silently substituted).
 * @example resolveModel("tts-1", "tts").native // "s2.1-pro"
 */
export function resolveModel(
  name: unknown,
  task: "tts" | "asr",
  extraAliases: (name: string) => boolean = () => false,
): CatalogModel {
  const fallback = CATALOG.find((m) => m.task === task)!;
  if (name === undefined || name === null || name === "") return fallback;
  if (typeof name !== "string") {
    throw new CompatError(400, "model_not_found", "'model' must be a string");
  }
  if (extraAliases(name)) return fallback;
  const id = ALIASES[name] ?? (name.startsWith("fish-audio/") ? name : `fish-audio/${name}`);
  const model = CATALOG.find((m) => m.id === id);
  if (!model) {
    const list = CATALOG.filter((m) => m.task === task).map((m) => m.id);
    throw new CompatError(
      400,
      "model_not_found",
      `Unknown model '${name}': use one of ${list.join(", ")} (or an alias such as ${task === "tts" ? "tts-1" : "whisper-1"})`,
    );
  }
  if (model.task !== task) {
    throw new CompatError(
      400,
      "model_not_found",
      `Model '${name}' is a ${model.task === "tts" ? "text-to-speech" : "transcription"} model; this endpoint needs a ${task === "tts" ? "text-to-speech" : "transcription"} model such as ${fallback.id}`,
    );
  }
  return model;
}
