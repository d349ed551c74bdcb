/**
 * Child process body for the engine benches (kept out of the bench process: the engines start
 * workers and WASM instances). Modes:
 *   voices — the engine voice list, and warm engine-level synthesis timings of SENTENCE_200;
 *   asr    — jfk.wav RTF and WER, and the ten-sentence TTS → wav → ASR round trip;
 *   mp3    — the server's mp3 encoder on a paragraph of each flite voice, beside lamejs (the
 *            pure-JS encoder it replaced) fed the same conditioned PCM.
 */
import fs from "node:fs";
import { Mp3Encoder as LameJs } from "@breezystack/lamejs";
import { childInput, childOutput } from "../lib/child.js";
import { JFK_TEXT, PARAGRAPH, ROUND_TRIP, SENTENCE_200 } from "../lib/corpus.js";
import { type Engines, loadEngines, type PcmChunk } from "../lib/engines.js";
import { summarize } from "../lib/stats.js";
import { wer, werCounts } from "../lib/wer.js";

interface Input {
  mode: "voices" | "asr" | "mp3";
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
  const encoder = await e.createEncoder({ format: format as "wav" | "mp3" | "opus" });
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
    const encoder = await engines.createEncoder({ format: "wav" });
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

/** Wall and CPU milliseconds of `fn` (CPU: this process, which runs nothing else meanwhile). */
function timed(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

async function mp3Mode() {
  const out: Record<
    string,
    {
      audioSeconds: number;
      wasm: { wall: number; cpu: number }[];
      lamejs: { wall: number; cpu: number }[];
    }
  > = {};
  const flite = engines.voices().filter((v) => v.engine === "flite");
  for (const v of flite) {
    const spoken = await speak(engines, PARAGRAPH, v.id);
    // Engine-sized slices, as the server feeds its encoders.
    const slices: PcmChunk[] = [];
    const step = Math.round(spoken.pcm.sampleRate / 4);
    for (let i = 0; i < spoken.pcm.samples.length; i += step)
      slices.push({
        samples: spoken.pcm.samples.subarray(i, i + step),
        sampleRate: spoken.pcm.sampleRate,
      });
    const wasm = async () => {
      const enc = await engines.createEncoder({ format: "mp3" });
      return timed(() => {
        for (const s of slices) enc.write(s);
        enc.end();
      });
    };
    // lamejs gets the same 44.1 kHz PCM the server's conditioner makes (timed too).
    const lamejs = async () => {
      const pcm = await engines.createEncoder({ format: "pcm", sampleRate: 44100 });
      return timed(() => {
        const lame = new LameJs(1, 44100, 128);
        for (const s of slices) {
          const b = pcm.write(s);
          lame.encodeBuffer(new Int16Array(b.buffer, b.byteOffset, b.byteLength / 2));
        }
        const b = pcm.end();
        lame.encodeBuffer(new Int16Array(b.buffer, b.byteOffset, b.byteLength / 2));
        lame.flush();
      });
    };
    await wasm();
    await lamejs();
    const r = {
      audioSeconds: spoken.seconds,
      wasm: [] as { wall: number; cpu: number }[],
      lamejs: [] as { wall: number; cpu: number }[],
    };
    for (let i = 0; i < input.reps; i++) {
      if (i % 2 === 0) {
        r.wasm.push(await wasm());
        r.lamejs.push(await lamejs());
      } else {
        r.lamejs.push(await lamejs());
        r.wasm.push(await wasm());
      }
    }
    out[v.id] = r;
  }
  return out;
}

const result =
  input.mode === "voices"
    ? await voicesMode()
    : input.mode === "mp3"
      ? await mp3Mode()
      : await asrMode();
await engines.close();
childOutput(result);
process.exit(0);
