/**
 * Child process body for the engine benches (kept out of the bench process: the engines start
 * workers and WASM instances). Modes:
 *   voices — the engine voice list, and warm engine-level synthesis timings of SENTENCE_200;
 *   asr    — jfk.wav RTF and WER, and the ten-sentence TTS → wav → ASR round trip.
 */
import fs from "node:fs";
import { childInput, childOutput } from "../lib/child.js";
import { JFK_TEXT, ROUND_TRIP, SENTENCE_200 } from "../lib/corpus.js";
import { type Engines, loadEngines, type PcmChunk } from "../lib/engines.js";
import { summarize } from "../lib/stats.js";
import { wer, werCounts } from "../lib/wer.js";

interface Input {
  mode: "voices" | "asr";
  reps: number;
  jfkPath?: string;
}

const input = childInput<Input>();
const engines = await loadEngines();

/** Synthesises `text` fully; returns the time to the first PCM chunk, the total, and the audio. */
async function speak(e: Engines, text: string, voiceId: string) {
  const t0 = performance.now();
  let first = 0;
  const chunks: PcmChunk[] = [];
  for await (const chunk of e.synthesize(text, { voice: { engineVoiceId: voiceId } })) {
    if (first === 0) first = performance.now() - t0;
    chunks.push(chunk);
  }
  const total = performance.now() - t0;
  const sampleRate = chunks[0]?.sampleRate ?? 16000;
  const samples = new Int16Array(chunks.reduce((n, c) => n + c.samples.length, 0));
  let at = 0;
  for (const c of chunks) {
    samples.set(c.samples, at);
    at += c.samples.length;
  }
  return { first, total, pcm: { samples, sampleRate }, seconds: samples.length / sampleRate };
}

const FORMATS = ["wav", "mp3", "opus"] as const;

/** Synthesises and encodes `text`: time to the first non-empty encoded bytes, and in total. */
async function speakEncoded(e: Engines, text: string, voiceId: string, format: string) {
  const t0 = performance.now();
  const encoder = e.createEncoder({ format: format as "wav" | "mp3" | "opus" });
  let first = 0;
  for await (const chunk of e.synthesize(text, { voice: { engineVoiceId: voiceId } })) {
    const out = encoder.write(chunk);
    if (first === 0 && out.byteLength > 0) first = performance.now() - t0;
  }
  const tail = encoder.end();
  if (first === 0 && tail.byteLength > 0) first = performance.now() - t0;
  return { first, total: performance.now() - t0 };
}

async function voicesMode() {
  const voices = engines.voices();
  const timings: Record<
    string,
    {
      firstMs: number;
      totalMs: number;
      audioSeconds: number;
      encoded: Record<string, { firstMs: number; totalMs: number }>;
    }
  > = {};
  for (const v of voices.filter((x) => x.languages.includes("en"))) {
    await speak(engines, SENTENCE_200, v.id); // warm
    const runs = [];
    for (let i = 0; i < input.reps; i++) runs.push(await speak(engines, SENTENCE_200, v.id));
    const encoded: Record<string, { firstMs: number; totalMs: number }> = {};
    for (const f of FORMATS) {
      await speakEncoded(engines, SENTENCE_200, v.id, f); // warm the encoder
      const e = [];
      for (let i = 0; i < input.reps; i++)
        e.push(await speakEncoded(engines, SENTENCE_200, v.id, f));
      encoded[f] = {
        firstMs: summarize(e.map((r) => r.first)).median,
        totalMs: summarize(e.map((r) => r.total)).median,
      };
    }
    timings[v.id] = {
      firstMs: summarize(runs.map((r) => r.first)).median,
      totalMs: summarize(runs.map((r) => r.total)).median,
      audioSeconds: runs[0]?.seconds ?? 0,
      encoded,
    };
  }
  return { voices, timings };
}

async function asrMode() {
  const jfkBytes = new Uint8Array(fs.readFileSync(input.jfkPath ?? ""));
  const d0 = performance.now();
  const jfkPcm = await engines.decode(jfkBytes);
  const decodeMs = performance.now() - d0;
  const duration = jfkPcm.samples.length / jfkPcm.sampleRate;
  const c0 = performance.now();
  const cold = await engines.transcribe(jfkPcm, { timestamps: true, language: "en" });
  const coldMs = performance.now() - c0;
  const warm: number[] = [];
  let text = cold.text;
  for (let i = 0; i < input.reps; i++) {
    const t0 = performance.now();
    const r = await engines.transcribe(jfkPcm, { timestamps: true, language: "en" });
    warm.push(performance.now() - t0);
    text = r.text;
  }
  const jfk = {
    duration,
    decodeMs,
    coldMs,
    warmMs: summarize(warm),
    wer: wer(JFK_TEXT, text),
    text,
  };

  const voices = engines.voices();
  const voice =
    voices.find((v) => v.id === "flite-rms") ??
    voices.find((v) => v.engine === "flite" && v.languages.includes("en"));
  if (!voice) throw new Error("no flite English voice for the round trip");
  let errors = 0;
  let words = 0;
  let asrMs = 0;
  let audioSeconds = 0;
  const samples: Array<{ ref: string; hyp: string }> = [];
  for (const sentence of ROUND_TRIP) {
    const spoken = await speak(engines, sentence, voice.id);
    const encoder = engines.createEncoder({ format: "wav" });
    const head = encoder.write(spoken.pcm);
    const tailBytes = encoder.end();
    const wav = new Uint8Array(head.length + tailBytes.length);
    wav.set(head);
    wav.set(tailBytes, head.length);
    const t0 = performance.now();
    const pcm = await engines.decode(wav);
    const r = await engines.transcribe(pcm, { timestamps: true, language: "en" });
    asrMs += performance.now() - t0;
    audioSeconds += pcm.samples.length / pcm.sampleRate;
    const c = werCounts(sentence, r.text);
    errors += c.errors;
    words += c.words;
    samples.push({ ref: sentence, hyp: r.text });
  }
  return {
    jfk,
    roundTrip: { voice: voice.id, wer: errors / words, rtf: asrMs / 1000 / audioSeconds, samples },
  };
}

const result = input.mode === "voices" ? await voicesMode() : await asrMode();
await engines.close();
childOutput(result);
process.exit(0);
