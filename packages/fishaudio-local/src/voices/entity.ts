import type { EngineVoice } from "../engines/types.js";
import type { StoredVoice } from "../store/voices.js";
import { BENCHMARK_VOICE_ID } from "../tts/benchmark.js";

/** The wire shape of a voice (ModelEntity), with every field the Python SDK requires. */
export interface ModelEntity {
  _id: string;
  type: "tts";
  title: string;
  description: string;
  cover_image: string;
  train_mode: "fast";
  state: "trained";
  tags: string[];
  samples: Array<{ title: string; text: string; task_id: string; audio: string }>;
  created_at: string;
  updated_at: string;
  languages: string[];
  visibility: "public" | "unlist" | "private";
  lock_visibility: boolean;
  dmca_taken_down: boolean;
  default_text: string;
  like_count: number;
  mark_count: number;
  shared_count: number;
  task_count: number;
  unliked: boolean;
  liked: boolean;
  marked: boolean;
  author: { _id: string; nickname: string; avatar: string };
}

/** Engine voices have no creation date of their own; this fixed one keeps listings stable. */
const ENGINE_VOICE_DATE = "2026-01-01T00:00:00.000Z";
const ENGINE_AUTHOR = { _id: "fishaudio-local", nickname: "fishaudio-local", avatar: "" };

function base(): Omit<ModelEntity, "_id" | "title" | "description" | "tags" | "languages"> {
  return {
    type: "tts",
    cover_image: "",
    train_mode: "fast",
    state: "trained",
    samples: [],
    created_at: ENGINE_VOICE_DATE,
    updated_at: ENGINE_VOICE_DATE,
    visibility: "public",
    lock_visibility: false,
    dmca_taken_down: false,
    default_text: "",
    like_count: 0,
    mark_count: 0,
    shared_count: 0,
    task_count: 0,
    unliked: false,
    liked: false,
    marked: false,
    author: ENGINE_AUTHOR,
  };
}

/**
 * An engine voice as a public ModelEntity.
 * @example engineVoiceEntity(engines.voices()[0]!)
 */
export function engineVoiceEntity(voice: EngineVoice): ModelEntity {
  return {
    ...base(),
    _id: voice.id,
    title: voice.title,
    description: voice.description,
    tags: [voice.engine, voice.gender, ...voice.languages],
    languages: voice.languages,
  };
}

/** The benchmark voice (a generated tone) as a public ModelEntity. */
export function benchmarkVoiceEntity(): ModelEntity {
  return {
    ...base(),
    _id: BENCHMARK_VOICE_ID,
    title: "Benchmark tone",
    description:
      "Not speech: the text must be a decimal byte count N, and the audio is N bytes of a 441 Hz tone (wav/pcm), produced as fast as the client reads.",
    tags: ["benchmark"],
    languages: [],
  };
}

/**
 * A stored (cloned) voice as a ModelEntity; sample and cover URLs point back at this server.
 * @example storedVoiceEntity(voice, "http://127.0.0.1:8080")
 */
export function storedVoiceEntity(voice: StoredVoice, baseUrl: string): ModelEntity {
  return {
    ...base(),
    _id: voice.id,
    title: voice.title,
    description: voice.description,
    cover_image: voice.hasCover ? `${baseUrl}/model/${voice.id}/cover` : "",
    tags: voice.tags,
    samples: voice.samples.map((s) => ({
      title: `Sample ${s.index + 1}`,
      text: s.text,
      task_id: `${voice.id}-${s.index}`,
      audio: `${baseUrl}/model/${voice.id}/samples/${s.index}`,
    })),
    created_at: voice.createdAt,
    updated_at: voice.updatedAt,
    languages: voice.languages,
    visibility: voice.visibility,
    task_count: voice.taskCount,
    author: { _id: voice.ownerId, nickname: voice.ownerNickname, avatar: "" },
  };
}
