import { parseWavHeader } from "./wav.js";

/** Plays audio while its bytes arrive, and says how far playback is (for word highlighting). */
export interface StreamPlayer {
  push(chunk: Uint8Array): void;
  end(): void;
  stop(): void;
  /** Seconds of the audio played so far. */
  position(): number;
}

/**
 * Plays 16-bit mono PCM (raw, or a WAV stream whose header comes first) through Web Audio,
 * scheduling each chunk right after the previous one as it arrives.
 * @example const player = pcmPlayer(new AudioContext(), { wav: true });
 */
export function pcmPlayer(audio: AudioContext, options: { wav: boolean; sampleRate?: number }) {
  let pending = new Uint8Array(0);
  let sampleRate = options.wav ? 0 : (options.sampleRate ?? 44100);
  let headerDone = !options.wav;
  let nextStart = 0;
  let audioTime = 0;
  // Where each scheduled piece starts in the audio and on the context's clock.
  const pieces: Array<{ at: number; from: number; seconds: number }> = [];
  const sources: AudioBufferSourceNode[] = [];

  const schedule = (bytes: Uint8Array) => {
    const count = Math.floor(bytes.length / 2);
    if (count === 0) return;
    const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
    const buffer = audio.createBuffer(1, count, sampleRate);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < count; i++) channel[i] = view.getInt16(i * 2, true) / 32768;
    const source = audio.createBufferSource();
    source.buffer = buffer;
    source.connect(audio.destination);
    const at = Math.max(nextStart, audio.currentTime + 0.05);
    source.start(at);
    sources.push(source);
    pieces.push({ at, from: audioTime, seconds: buffer.duration });
    nextStart = at + buffer.duration;
    audioTime += buffer.duration;
  };

  const player: StreamPlayer = {
    push(chunk) {
      const joined = new Uint8Array(pending.length + chunk.length);
      joined.set(pending);
      joined.set(chunk, pending.length);
      pending = joined;
      if (!headerDone) {
        const header = parseWavHeader(pending);
        if (!header) return;
        sampleRate = header.sampleRate;
        pending = pending.subarray(header.dataOffset);
        headerDone = true;
      }
      const whole = pending.length - (pending.length % 2);
      schedule(pending.subarray(0, whole));
      pending = pending.slice(whole);
    },
    end() {},
    stop() {
      for (const source of sources) source.stop();
    },
    position() {
      const now = audio.currentTime;
      for (const piece of pieces) {
        if (now < piece.at) return piece.from;
        if (now < piece.at + piece.seconds) return piece.from + (now - piece.at);
      }
      return audioTime;
    },
  };
  return player;
}

/**
 * Plays MP3 through Media Source Extensions on `element` as the bytes arrive.
 * @example const player = await mp3Player(audioElement);
 */
export async function mp3Player(element: HTMLAudioElement): Promise<StreamPlayer> {
  const source = new MediaSource();
  element.src = URL.createObjectURL(source);
  await new Promise((resolve) => source.addEventListener("sourceopen", resolve, { once: true }));
  const buffer = source.addSourceBuffer("audio/mpeg");
  const queue: Uint8Array[] = [];
  let ended = false;
  const pump = () => {
    if (buffer.updating) return;
    const next = queue.shift();
    if (next) buffer.appendBuffer(next as Uint8Array<ArrayBuffer>);
    else if (ended && source.readyState === "open") source.endOfStream();
  };
  buffer.addEventListener("updateend", pump);
  let started = false;
  return {
    push(chunk) {
      queue.push(chunk);
      pump();
      if (!started) {
        started = true;
        element.play().catch(() => {});
      }
    },
    end() {
      ended = true;
      pump();
    },
    stop() {
      element.pause();
    },
    position() {
      return element.currentTime;
    },
  };
}

/** Whether this browser can stream MP3 (Media Source Extensions with audio/mpeg). */
export function canStreamMp3(): boolean {
  return typeof MediaSource !== "undefined" && MediaSource.isTypeSupported("audio/mpeg");
}
