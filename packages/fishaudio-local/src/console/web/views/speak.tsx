import { useEffect, useRef, useState } from "preact/hooks";
import { messageOf, request } from "../api.js";
import { canStreamMp3, mp3Player, pcmPlayer, type StreamPlayer } from "../audio/stream-player.js";
import { encodeWav } from "../audio/wav.js";
import { formatBytes } from "../format.js";
import {
  Alignment,
  base64Bytes,
  readEvents,
  type TimedWord,
  type TimestampEvent,
} from "../timestamps.js";
import type { Voice } from "../types.js";
import { DownloadLink, ErrorLine } from "../ui.js";

const FORMATS = ["mp3", "wav", "pcm", "opus"] as const;
type Format = (typeof FORMATS)[number];
const PCM_RATE = 44100;
const MIME: Record<Format, string> = {
  mp3: "audio/mpeg",
  wav: "audio/wav",
  pcm: "application/octet-stream",
  opus: "audio/ogg",
};

/** How many speakers the text names with `<|speaker:N|>` (at least one). */
function speakerCount(text: string): number {
  let highest = 0;
  for (const match of text.matchAll(/<\|speaker:(\d+)\|>/g)) {
    highest = Math.max(highest, Number(match[1]));
  }
  return Math.min(highest + 1, 10);
}

function VoicePicker(props: {
  id: string;
  voices: Voice[];
  value: string;
  onChange: (id: string) => void;
}) {
  return (
    <select
      id={props.id}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    >
      <option value="">automatic (by the text's script)</option>
      {props.voices.map((v) => (
        <option key={v._id} value={v._id}>
          {v.title} — {v._id}
        </option>
      ))}
    </select>
  );
}

/** The audio bytes of a plain TTS answer, as they arrive. */
async function* rawChunks(res: Response): AsyncGenerator<Uint8Array> {
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

/** The audio of a timestamped answer, as it arrives, telling `onWords` each new alignment. */
async function* timedChunks(
  res: Response,
  onWords: (words: TimedWord[]) => void,
): AsyncGenerator<Uint8Array> {
  const alignment = new Alignment();
  for await (const event of readEvents(res.body!)) {
    const timed = event as TimestampEvent;
    if (timed.alignment) {
      alignment.add(timed);
      onWords(alignment.all());
    }
    if (timed.audio_base64) yield base64Bytes(timed.audio_base64);
  }
}

/** The text with each word marked once playback has reached it. */
function Words({ words, position }: { words: TimedWord[]; position: number }) {
  return (
    <p class="words" id="speak-words" data-count={words.length}>
      {words.map((w) => (
        <span key={`${w.start}-${w.text}`} class={position >= w.start ? "spoken" : ""}>
          {w.text}{" "}
        </span>
      ))}
    </p>
  );
}

interface Result {
  blob: Blob;
  bytes: number;
  decodedSeconds: number | undefined;
  decodeError: string | undefined;
}

/** The Speak view: text in, audio out while it streams, with a file to download. */
export function Speak({ voices }: { voices: Voice[] }) {
  const [text, setText] = useState("Hello from the local console. (happy) This is streamed.");
  const [speakers, setSpeakers] = useState<string[]>([""]);
  const [format, setFormat] = useState<Format>("mp3");
  const [speed, setSpeed] = useState(1);
  const [volume, setVolume] = useState(0);
  const [timed, setTimed] = useState(true);
  const [words, setWords] = useState<TimedWord[]>([]);
  const [position, setPosition] = useState(0);
  const [busy, setBusy] = useState(false);
  const [received, setReceived] = useState(0);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<Result>();
  const audioRef = useRef<HTMLAudioElement>(null);
  const playerRef = useRef<StreamPlayer>(undefined);
  const abortRef = useRef<AbortController>(undefined);
  const count = speakerCount(text);

  useEffect(() => () => abortRef.current?.abort(), []);
  // Follows playback for the highlighting, once a frame, while there are words to mark.
  useEffect(() => {
    if (words.length === 0) return;
    let frame = requestAnimationFrame(function follow() {
      const player = playerRef.current;
      const element = audioRef.current;
      const at = player ? player.position() : (element?.currentTime ?? 0);
      setPosition(at);
      frame = requestAnimationFrame(follow);
    });
    return () => cancelAnimationFrame(frame);
  }, [words.length > 0]);

  const speak = async () => {
    abortRef.current?.abort();
    playerRef.current?.stop();
    const abort = new AbortController();
    abortRef.current = abort;
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    setReceived(0);
    setWords([]);
    setPosition(0);
    const chosen = speakers.slice(0, count).map((s) => s || undefined);
    const referenceId = count > 1 ? chosen.map((s) => s ?? "") : chosen[0];
    const body: Record<string, unknown> = {
      text,
      format,
      prosody: { speed, volume },
      ...(format === "pcm" ? { sample_rate: PCM_RATE } : {}),
      ...(referenceId ? { reference_id: referenceId } : {}),
    };
    try {
      const path = timed ? "/v1/tts/stream/with-timestamp" : "/v1/tts";
      const res = await request(path, { json: body, signal: abort.signal });
      const element = audioRef.current!;
      let player: StreamPlayer | undefined;
      if (format === "mp3" && canStreamMp3()) player = await mp3Player(element);
      else if (format === "wav" || format === "pcm") {
        player = pcmPlayer(new AudioContext(), { wav: format === "wav", sampleRate: PCM_RATE });
      }
      playerRef.current = player ?? undefined;
      const chunks: Uint8Array[] = [];
      let total = 0;
      const audio = timed ? timedChunks(res, setWords) : rawChunks(res);
      for await (const value of audio) {
        chunks.push(value);
        total += value.length;
        setReceived(total);
        player?.push(value);
      }
      player?.end();
      const bytes = new Uint8Array(total);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.length;
      }
      // Raw PCM is wrapped in a WAV header so that it can be played and checked here.
      const playable =
        format === "pcm" ? encodeWav(new Int16Array(bytes.buffer, 0, total >> 1), PCM_RATE) : bytes;
      const blob = new Blob([bytes], { type: MIME[format] });
      const playableBlob = new Blob([playable as Uint8Array<ArrayBuffer>], {
        type: format === "pcm" ? "audio/wav" : MIME[format],
      });
      if (!(format === "mp3" && player)) {
        element.src = URL.createObjectURL(playableBlob);
        if (!player) element.play().catch(() => {});
      }
      let decodedSeconds: number | undefined;
      let decodeError: string | undefined;
      try {
        const context = new OfflineAudioContext(1, 1, 44100);
        const decoded = await context.decodeAudioData(await playableBlob.arrayBuffer());
        decodedSeconds = decoded.duration;
      } catch (e) {
        decodeError = messageOf(e);
      }
      setResult({ blob, bytes: total, decodedSeconds, decodeError });
    } catch (e) {
      if (!abort.signal.aborted) setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="view" id="speak-view">
      <h2>Speak</h2>
      <label class="block">
        Text{" "}
        <span class="hint">
          cues like <code>(happy)</code> or <code>[whispering]</code>; dialogue with{" "}
          <code>&lt;|speaker:0|&gt;</code>, <code>&lt;|speaker:1|&gt;</code>…
        </span>
        <textarea
          id="speak-text"
          rows={5}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </label>
      <div class="row">
        {Array.from({ length: count }, (_, i) => (
          <div class="field" key={i}>
            <label htmlFor={`speak-voice-${i}`}>
              {count > 1 ? `Voice of speaker ${i}` : "Voice"}
            </label>
            <VoicePicker
              id={`speak-voice-${i}`}
              voices={voices}
              value={speakers[i] ?? ""}
              onChange={(id) => {
                const next = [...speakers];
                next[i] = id;
                setSpeakers(next);
              }}
            />
          </div>
        ))}
      </div>
      <div class="row">
        <label>
          Format
          <select
            id="speak-format"
            value={format}
            onChange={(e) => setFormat(e.currentTarget.value as Format)}
          >
            {FORMATS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </label>
        <label>
          Speed {speed.toFixed(2)}×
          <input
            type="range"
            min={0.5}
            max={2}
            step={0.05}
            value={speed}
            onInput={(e) => setSpeed(Number(e.currentTarget.value))}
          />
        </label>
        <label>
          Volume {volume > 0 ? "+" : ""}
          {volume} dB
          <input
            type="range"
            min={-20}
            max={20}
            step={1}
            value={volume}
            onInput={(e) => setVolume(Number(e.currentTarget.value))}
          />
        </label>
      </div>
      <div class="row">
        <button type="button" id="speak-go" disabled={busy || !text.trim()} onClick={speak}>
          {busy ? "Speaking…" : "Speak"}
        </button>
        {busy && (
          <button type="button" class="secondary" onClick={() => abortRef.current?.abort()}>
            Stop
          </button>
        )}
        <label class="inline">
          <input
            type="checkbox"
            id="speak-timed"
            checked={timed}
            onChange={(e) => setTimed(e.currentTarget.checked)}
          />{" "}
          highlight words (timestamps endpoint)
        </label>
        <span class="hint">{received > 0 && `${formatBytes(received)} received`}</span>
      </div>
      <ErrorLine error={error} />
      {words.length > 0 && <Words words={words} position={position} />}
      {/* biome-ignore lint/a11y/useMediaCaption: the words being spoken are on the page */}
      <audio ref={audioRef} controls class="player" />
      {result && (
        <p
          id="speak-result"
          class="result"
          data-bytes={result.bytes}
          data-decoded-seconds={result.decodedSeconds ?? ""}
        >
          {formatBytes(result.bytes)} of {format}
          {result.decodedSeconds !== undefined
            ? `, decoded: ${result.decodedSeconds.toFixed(2)} s of audio. `
            : `, could not be decoded here (${result.decodeError}). `}
          <DownloadLink data={result.blob} name={`speech.${format}`} label="Download" />
        </p>
      )}
    </section>
  );
}
