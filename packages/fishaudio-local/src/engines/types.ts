/**
 * The contract between the HTTP/WebSocket layer and the speech engines. The server layer only
 * ever talks to an `Engines` object; everything engine-specific lives below src/engines/.
 */

/** A word of the input text and when it is heard. */
export interface WordTiming {
  /** The word as written, without surrounding punctuation. */
  text: string;
  /** Seconds from the first sample of the chunk that carries it (see PcmChunk.words). */
  start: number;
  end: number;
}

/** Mono signed 16-bit PCM at `sampleRate`. */
export interface PcmChunk {
  samples: Int16Array;
  sampleRate: number;
  /**
   * With `SynthesisOptions.timings`: the words that start in this chunk, timed from its first
   * sample by the engine itself (a word may end after the chunk does).
   */
  words?: WordTiming[];
  /**
   * When this audio must reach the listener (performance.now() ms, PlaybackClock): encoders on
   * other threads take the most urgent chunk first.
   */
  due?: number;
}

/** A voice an engine can speak with; each becomes a public voice in `GET /model`. */
export interface EngineVoice {
  /** Stable id used as the voice's `_id` (e.g. "flite-rms", "espeak-de"). */
  id: string;
  /** Display title (e.g. "Flite RMS (English, male)"). */
  title: string;
  description: string;
  engine: "flite" | "espeak";
  /** ISO 639-1 language codes this voice speaks, e.g. ["en"]. */
  languages: string[];
  gender: "male" | "female" | "neutral";
  /** Median fundamental frequency of the voice in Hz, used to match cloned voices. */
  pitchHz: number;
}

/** How to speak: an engine voice plus adjustments (a cloned voice maps onto one of these). */
export interface VoiceSettings {
  engineVoiceId: string;
  /** Target median F0 in Hz; the engine moves its pitch toward it where it can. */
  pitchHz?: number;
  /** Speaking rate multiplier, 0.5..2.0 (prosody.speed). */
  speed?: number;
  /** Whispered speech, on engines that have a whisper voice (espeak-ng). */
  whisper?: boolean;
}

export interface SynthesisOptions {
  voice: VoiceSettings;
  /** Stops synthesis early (client went away); the iterator then ends without error. */
  signal?: AbortSignal;
  /** Ask the engine for word timings (PcmChunk.words); costs a little latency on flite. */
  timings?: boolean;
  /**
   * With `timings`: release each piece's audio as soon as it is ready, and its words once they
   * are known, on an empty chunk after that audio (timed from where that chunk sits, so words
   * already heard have negative times). Without it, words come on the audio they start in.
   */
  wordsAfterAudio?: boolean;
}

export interface EncoderOptions {
  format: "wav" | "pcm" | "mp3" | "opus";
  /** Output sample rate; undefined means the format's default (44100, opus 48000). */
  sampleRate?: number;
  /** kbps: 64 | 128 | 192. */
  mp3Bitrate?: number;
  /** Accepts kbps (24/32/48/64), bps (24000..64000) or -1000 (auto). */
  opusBitrate?: number;
  /** Gain in dB applied before encoding (prosody.volume), -20..20. */
  volumeDb?: number;
  /** Peak-normalise loudness (prosody.normalize_loudness / normalize). */
  normalize?: boolean;
}

/** A streaming encoder: feed PCM as it is produced, get encoded bytes back as soon as possible. */
export interface AudioEncoder {
  readonly contentType: string;
  /** Encodes more input (any sample rate: the encoder resamples); may return an empty array. */
  write(chunk: PcmChunk): Uint8Array;
  /** Flushes and returns the trailing bytes; the encoder is unusable afterwards. */
  end(): Uint8Array;
}

/**
 * An encoder whose work runs off the event loop: each call resolves with the bytes. Calls are
 * made one at a time (await each); `discard()` frees an encoder that will never be ended.
 */
export interface AsyncAudioEncoder {
  readonly contentType: string;
  write(chunk: PcmChunk): Promise<Uint8Array>;
  end(): Promise<Uint8Array>;
  discard(): void;
}

export interface TranscriptSegment {
  text: string;
  /** Seconds from the start of the audio. */
  start: number;
  end: number;
}

export interface Transcript {
  text: string;
  /** Duration of the audio in seconds. */
  duration: number;
  segments: TranscriptSegment[];
  /** Each recognised word with its own times (with `timestamps`; engines may leave it out). */
  words?: TranscriptSegment[];
}

/** Thrown for input the engines cannot handle (not audio, unsupported codec): the server maps it to 400. */
export class UnsupportedAudioError extends Error {
  override name = "UnsupportedAudioError";
}

/** Thrown when decoded audio runs past the caller's `maxSeconds`: decoding stops there. */
export class AudioTooLongError extends Error {
  override name = "AudioTooLongError";
  /** @example throw new AudioTooLongError(1200); */
  constructor(readonly maxSeconds: number) {
    super(`the audio is longer than ${maxSeconds} s`);
  }
}

/** Bounds of one decode. */
export interface DecodeOptions {
  /** Stop with AudioTooLongError once this many seconds have been decoded. */
  maxSeconds?: number;
  /** Skip (queued) or stop (running) the decode when this aborts. */
  signal?: AbortSignal;
}

/** Thrown when an engine is not installed on this machine: the server maps it to 503. */
export class EngineUnavailableError extends Error {
  override name = "EngineUnavailableError";
}

export interface Engines {
  /** Every engine voice, in a stable order; the first is the default voice. */
  voices(): EngineVoice[];
  /** The engine voice for a language code (falls back to the default voice). */
  voiceForLanguage(language: string): EngineVoice;
  /**
   * Speaks `text`, yielding PCM sentence by sentence (or finer) as it is produced, so that the
   * first chunk arrives long before the whole text is done.
   */
  synthesize(text: string, options: SynthesisOptions): AsyncIterable<PcmChunk>;
  /** Asynchronous: an encoder may be a WASM instance that starts on demand. */
  createEncoder(options: EncoderOptions): Promise<AudioEncoder>;
  /**
   * An encoder for a streamed response, run off the event loop where the engines can (mp3 and
   * opus on encoder threads); without it, callers wrap createEncoder.
   */
  createStreamEncoder?(options: EncoderOptions): Promise<AsyncAudioEncoder>;
  /** Decodes wav, mp3, ogg (vorbis/opus), flac or m4a to mono PCM at 16 kHz. */
  decode(audio: Uint8Array, options?: DecodeOptions): Promise<PcmChunk>;
  /** Open-vocabulary English speech recognition on 16 kHz mono PCM. */
  transcribe(
    pcm: PcmChunk,
    options: { timestamps: boolean; language?: string },
  ): Promise<Transcript>;
  /** Median F0 in Hz of voiced speech in `pcm` (undefined if no voiced frames). */
  estimatePitch(pcm: PcmChunk): number | undefined;
  /** Releases workers and native handles. */
  close(): Promise<void>;
}
