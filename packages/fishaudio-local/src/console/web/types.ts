/** The shapes the server answers, as far as the console reads them. */

import type { RequestEntry } from "../../requests-log/entry.js";

export interface Me {
  user_id: string;
  nickname: string;
  key_id: string;
  owner: boolean;
  credit: string;
}

export interface Sample {
  title: string;
  text: string;
  audio: string;
}

export interface Voice {
  _id: string;
  title: string;
  description: string;
  visibility: "public" | "unlist" | "private";
  tags: string[];
  languages: string[];
  samples: Sample[];
  author: { _id: string; nickname: string };
  created_at: string;
}

export interface VoicePage {
  total: number;
  items: Voice[];
}

export interface Segment {
  text: string;
  start: number;
  end: number;
}

export interface Transcript {
  text: string;
  duration: number;
  segments: Segment[];
}

// The request log's shapes are the server's own (types only: nothing of it is bundled).
export type { BinarySummary } from "../../requests-log/entry.js";

/** A logged request: the list leaves `body` out, the detail has it. */
export type LoggedRequest = Omit<RequestEntry, "body"> & { body?: RequestEntry["body"] };

export interface UsageRow {
  id: number;
  user_id: string;
  key_id: string;
  kind: string;
  model: string | null;
  voice_id: string | null;
  units: number;
  credit: string;
  created_at: string;
}

export interface UserRow {
  user_id: string;
  nickname: string;
  credit: string;
  created_at: string;
  keys: Array<{ key_id: string; label: string; created_at: string }>;
}
