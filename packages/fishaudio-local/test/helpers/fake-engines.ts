/**
 * Deterministic stand-in engines for tests of the HTTP/WebSocket layer: tones instead of
 * speech, a real WAV reader, a zero-crossing pitch estimate, and hooks to hold synthesis at a
 * gate (to prove audio streams before the text is done) and to see aborts.
 */
import {
  type AudioEncoder,
  type EncoderOptions,
  type Engines,
  EngineUnavailableError,
  type EngineVoice,
  type PcmChunk,
  type SynthesisOptions,
  type Transcript,
  UnsupportedAudioError,
} from "fishaudio-local";

export const FAKE_RATE = 16000;
/** A sample rate that marks audio the fake encoder refuses (see ENCODER-FAIL). */
const ENCODER_FAIL_RATE = 12_345;

export interface SynthesisCall {
  text: string;
  options: SynthesisOptions;
  aborted: boolean;
}

export class FakeEngines implements Engines {
  readonly calls: SynthesisCall[] = [];
  readonly encoders: EncoderOptions[] = [];
  transcribeCalls = 0;
  asrAvailable = true;
  closed = false;
  /** When set, every sentence after the first waits for this promise before it is produced. */
  gate: Promise<void> | undefined;
  /**
   * When set, with `wordsAfterAudio`, each sentence's words wait for this promise after its
   * audio (standing for an engine's word pass), then follow on an empty chunk.
   */
  wordsGate: Promise<void> | undefined;

  private readonly list: EngineVoice[] = [
    fakeVoice("fake-low", "Fake Low (English, male)", ["en"], "male", 100),
    fakeVoice("fake-high", "Fake High (English, female)", ["en"], "female", 200),
    fakeVoice("fake-de", "Fake German", ["de"], "neutral", 140),
  ];

  voices(): EngineVoice[] {
    return this.list;
  }

  voiceForLanguage(language: string): EngineVoice {
    return this.list.find((v) => v.languages.includes(language)) ?? this.list[0]!;
  }

  async *synthesize(text: string, options: SynthesisOptions): AsyncIterable<PcmChunk> {
    const call: SynthesisCall = { text, options, aborted: false };
    this.calls.push(call);
    if (text.includes("ENGINE-DOWN")) throw new EngineUnavailableError("fake engine switched off");
    const voice = this.list.find((v) => v.id === options.voice.engineVoiceId);
    if (!voice) throw new Error(`fake engines: unknown voice ${options.voice.engineVoiceId}`);
    // "|" also separates sentences here, so a test can hand over several in one piece.
    const sentences = text.split(/(?<=[.!?])\s+|\|/).filter((s) => s.trim() !== "");
    for (const [i, sentence] of sentences.entries()) {
      if (i > 0 && this.gate) await this.gate;
      if (options.signal?.aborted) {
        call.aborted = true;
        return;
      }
      const words = sentence.trim().split(/\s+/);
      // ENCODER-FAIL: audio the fake encoder refuses, to test failures in the first encode.
      const rate = text.includes("ENCODER-FAIL") ? ENCODER_FAIL_RATE : FAKE_RATE;
      const pcm = tone(options.voice.pitchHz ?? voice.pitchHz, 0.1 * words.length, rate);
      // With timings, 0.1 s per word, as the tone is built.
      const timed = words.map((w, j) => ({
        text: w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""),
        start: 0.1 * j,
        end: 0.1 * (j + 1),
      }));
      if (options.timings && options.wordsAfterAudio && this.wordsGate) {
        yield pcm;
        await this.wordsGate;
        // Timed from the empty chunk's place, right after the sentence's audio.
        const heard = pcm.samples.length / pcm.sampleRate;
        yield {
          samples: new Int16Array(0),
          sampleRate: pcm.sampleRate,
          words: timed.map((w) => ({ ...w, start: w.start - heard, end: w.end - heard })),
        };
        continue;
      }
      if (options.timings) pcm.words = timed;
      yield pcm;
    }
  }

  async createEncoder(options: EncoderOptions): Promise<AudioEncoder> {
    this.encoders.push(options);
    return new FakeEncoder(options);
  }

  async decode(audio: Uint8Array): Promise<PcmChunk> {
    // Stands for a decoder bug on hostile input: a plain error, not UnsupportedAudioError.
    if (Buffer.from(audio.subarray(0, 4)).toString("latin1") === "BOOM")
      throw new RangeError("offset out of bounds");
    return readWav(audio);
  }

  async transcribe(pcm: PcmChunk, options: { timestamps: boolean }): Promise<Transcript> {
    this.transcribeCalls++;
    if (!this.asrAvailable) throw new EngineUnavailableError("fake ASR switched off");
    const duration = pcm.samples.length / pcm.sampleRate;
    return {
      text: `fake transcript of ${pcm.samples.length} samples`,
      duration,
      segments: options.timestamps ? [{ text: "fake transcript", start: 0, end: duration }] : [],
    };
  }

  estimatePitch(pcm: PcmChunk): number | undefined {
    let crossings = 0;
    for (let i = 1; i < pcm.samples.length; i++) {
      if (pcm.samples[i - 1]! < 0 !== pcm.samples[i]! < 0) crossings++;
    }
    if (crossings === 0) return undefined;
    return crossings / 2 / (pcm.samples.length / pcm.sampleRate);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function fakeVoice(
  id: string,
  title: string,
  languages: string[],
  gender: EngineVoice["gender"],
  pitchHz: number,
): EngineVoice {
  return {
    id,
    title,
    description: `${title} (test voice)`,
    engine: "flite",
    languages,
    gender,
    pitchHz,
  };
}

/** `seconds` of a sine at `hz`, mono s16. */
export function tone(hz: number, seconds: number, sampleRate: number): PcmChunk {
  const samples = new Int16Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < samples.length; i++) {
    samples[i] = Math.round(10000 * Math.sin((2 * Math.PI * hz * i) / sampleRate));
  }
  return { samples, sampleRate };
}

/** A complete 16-bit mono WAV file holding `pcm`. */
export function wavFile(pcm: PcmChunk): Uint8Array {
  const data = Buffer.from(pcm.samples.buffer, pcm.samples.byteOffset, pcm.samples.byteLength);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVEfmt ", 8, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(pcm.sampleRate, 24);
  header.writeUInt32LE(pcm.sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(data.length, 40);
  return new Uint8Array(Buffer.concat([header, data]));
}

function readWav(bytes: Uint8Array): PcmChunk {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (
    buf.length < 44 ||
    buf.toString("ascii", 0, 4) !== "RIFF" ||
    buf.toString("ascii", 8, 12) !== "WAVE"
  ) {
    throw new UnsupportedAudioError("fake engines decode 16-bit WAV only");
  }
  const sampleRate = buf.readUInt32LE(24);
  const data = buf.subarray(44);
  const samples = new Int16Array(Math.floor(data.length / 2));
  for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
  return { samples, sampleRate };
}

class FakeEncoder implements AudioEncoder {
  readonly contentType: string;
  private started = false;

  constructor(private readonly options: EncoderOptions) {
    this.contentType = options.format === "wav" ? "audio/wav" : "application/octet-stream";
  }

  write(chunk: PcmChunk): Uint8Array {
    if (chunk.sampleRate === ENCODER_FAIL_RATE) throw new Error("fake encoder failure");
    const pcm = Buffer.from(
      chunk.samples.buffer,
      chunk.samples.byteOffset,
      chunk.samples.byteLength,
    );
    let prefix = Buffer.alloc(0);
    if (!this.started) {
      this.started = true;
      if (this.options.format === "wav") prefix = Buffer.from(wavHeaderFor(chunk.sampleRate));
      else if (this.options.format !== "pcm") prefix = Buffer.from(`FAKE-${this.options.format}:`);
    }
    return new Uint8Array(Buffer.concat([prefix, pcm]));
  }

  end(): Uint8Array {
    return new Uint8Array(0);
  }
}

function wavHeaderFor(sampleRate: number): Uint8Array {
  const file = wavFile({ samples: new Int16Array(0), sampleRate });
  const header = Buffer.from(file);
  header.writeUInt32LE(4294967076, 4);
  header.writeUInt32LE(4294967040, 40);
  return new Uint8Array(header);
}
