import { useMemo, useState } from "preact/hooks";
import { messageOf, request } from "../api.js";
import { type Recording, startRecording } from "../audio/recorder.js";
import { formatBytes } from "../format.js";
import { toSrt, toVtt } from "../subtitles.js";
import type { Transcript } from "../types.js";
import { DownloadLink, ErrorLine } from "../ui.js";

/** The Transcribe view: a file or a recording in, text and timed segments out. */
export function Transcribe() {
  const [audio, setAudio] = useState<{ blob: Blob; name: string }>();
  const [recording, setRecording] = useState<Recording>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [transcript, setTranscript] = useState<Transcript>();

  const toggleRecording = async () => {
    setError(undefined);
    try {
      if (recording) {
        setAudio({ blob: await recording.stop(), name: "recording.wav" });
        setRecording(undefined);
      } else {
        setRecording(await startRecording());
      }
    } catch (e) {
      setRecording(undefined);
      setError(`Microphone: ${messageOf(e)}`);
    }
  };
  const transcribe = async () => {
    if (!audio) return;
    setBusy(true);
    setError(undefined);
    setTranscript(undefined);
    try {
      const form = new FormData();
      form.append("audio", audio.blob, audio.name);
      form.append("ignore_timestamps", "false");
      setTranscript((await (await request("/v1/asr", { form })).json()) as Transcript);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const base = (audio?.name ?? "audio").replace(/\.[^.]*$/, "");
  const subtitles = useMemo(
    () =>
      transcript && {
        srt: new Blob([toSrt(transcript.segments)], { type: "application/x-subrip" }),
        vtt: new Blob([toVtt(transcript.segments)], { type: "text/vtt" }),
      },
    [transcript],
  );

  return (
    <section class="view" id="transcribe-view">
      <h2>Transcribe</h2>
      <div class="row">
        <label>
          Audio file
          <input
            id="asr-file"
            type="file"
            accept="audio/*"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) setAudio({ blob: file, name: file.name });
            }}
          />
        </label>
        <button type="button" class="secondary" onClick={toggleRecording}>
          {recording ? "■ Stop recording" : "● Record from microphone"}
        </button>
        <span class="hint">{audio && `${audio.name}, ${formatBytes(audio.blob.size)}`}</span>
      </div>
      <button type="button" id="asr-go" disabled={!audio || busy} onClick={transcribe}>
        {busy ? "Transcribing…" : "Transcribe"}
      </button>
      <ErrorLine error={error} />
      {transcript && subtitles && (
        <div class="result" id="asr-result">
          <p class="transcript" id="asr-text">
            {transcript.text}
          </p>
          <p class="hint">{transcript.duration.toFixed(2)} s of audio</p>
          <div class="row">
            <DownloadLink data={subtitles.srt} name={`${base}.srt`} label="Download .srt" />
            <DownloadLink data={subtitles.vtt} name={`${base}.vtt`} label="Download .vtt" />
          </div>
          <table class="list" id="asr-segments">
            <thead>
              <tr>
                <th>Start</th>
                <th>End</th>
                <th>Text</th>
              </tr>
            </thead>
            <tbody>
              {transcript.segments.map((s) => (
                <tr key={`${s.start}-${s.end}`}>
                  <td>{s.start.toFixed(2)}</td>
                  <td>{s.end.toFixed(2)}</td>
                  <td>{s.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
