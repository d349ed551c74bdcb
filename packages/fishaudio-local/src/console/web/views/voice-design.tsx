import { useEffect, useState } from "preact/hooks";
import { getJson, messageOf, request } from "../api.js";
import { formatBytes } from "../format.js";
import { base64Bytes } from "../timestamps.js";
import type { Voice } from "../types.js";
import { ErrorLine } from "../ui.js";

/** The only voice-design model the API has (sent as the `model` header). */
const DESIGN_MODEL = "voice-design-1";

/** One candidate as `/v1/voice-design` answers it (the audio is base64 WAV). */
interface WireCandidate {
  id: string;
  index: number;
  audio_base64: string;
  sample_rate: number;
  duration_ms: number;
  text?: string;
}

interface Candidate {
  id: string;
  index: number;
  wav: Blob;
  durationMs: number;
  text: string;
}

/** A candidate to hear, and to keep as a voice under a title (one POST /model of its audio). */
function CandidateRow(props: {
  candidate: Candidate;
  instruction: string;
  onKept: (voice: Voice) => void;
}) {
  const { candidate } = props;
  const [url, setUrl] = useState("");
  const [title, setTitle] = useState(
    `${props.instruction.slice(0, 40).trim()} (${candidate.index + 1})`,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [kept, setKept] = useState<string>();
  useEffect(() => {
    const made = URL.createObjectURL(candidate.wav);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [candidate.wav]);

  const keep = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const form = new FormData();
      form.append("title", title.trim());
      form.append("description", props.instruction);
      form.append("visibility", "private");
      form.append("type", "tts");
      form.append("train_mode", "fast");
      form.append("voices", candidate.wav, `candidate-${candidate.index + 1}.wav`);
      // The line it reads, so the server need not transcribe it again.
      if (candidate.text) form.append("texts", candidate.text);
      const voice = (await (await request("/model", { form })).json()) as Voice;
      setKept(voice._id);
      props.onKept(voice);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li data-candidate-id={candidate.id}>
      <span class="hint">
        #{candidate.index + 1} · {(candidate.durationMs / 1000).toFixed(1)} s ·{" "}
        {formatBytes(candidate.wav.size)}
      </span>
      {/* biome-ignore lint/a11y/useMediaCaption: the line it reads is shown above the list */}
      {url && <audio class="sample" controls src={url} />}
      {kept ? (
        <span class="result kept" data-voice-id={kept}>
          kept as <code>{kept}</code>
        </span>
      ) : (
        <>
          <input value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          <button type="button" class="small keep" disabled={busy || !title.trim()} onClick={keep}>
            {busy ? "Keeping…" : "Keep"}
          </button>
        </>
      )}
      <ErrorLine error={error} />
    </li>
  );
}

/** Voice design: a description (and optionally the line to read) into candidates to hear and keep. */
export function DesignVoice({ onKept }: { onKept: () => void }) {
  const [instruction, setInstruction] = useState("");
  const [text, setText] = useState("");
  const [count, setCount] = useState(2);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<{ instruction: string; candidates: Candidate[] }>();

  const design = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const body: Record<string, unknown> = { instruction: instruction.trim(), n: count };
      if (text.trim()) body.reference_text = text.trim();
      const answer = await getJson<{ candidates: WireCandidate[] }>("/v1/voice-design", {
        method: "POST",
        json: body,
        headers: { model: DESIGN_MODEL },
      });
      setResult({
        instruction: instruction.trim(),
        candidates: answer.candidates.map((c) => ({
          id: c.id,
          index: c.index,
          wav: new Blob([base64Bytes(c.audio_base64) as Uint8Array<ArrayBuffer>], {
            type: "audio/wav",
          }),
          durationMs: c.duration_ms,
          text: c.text ?? "",
        })),
      });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset class="panel" id="design-voice">
      <legend>Design a voice</legend>
      <label class="block">
        Description
        <textarea
          id="design-instruction"
          rows={2}
          placeholder="e.g. warm, deep narrator, slow and calm"
          value={instruction}
          onInput={(e) => setInstruction(e.currentTarget.value)}
        />
      </label>
      <div class="row">
        <label class="grow">
          Line to read (optional)
          <input
            id="design-text"
            maxLength={300}
            placeholder="the server picks one when empty"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        <label>
          Candidates
          <select value={count} onChange={(e) => setCount(Number(e.currentTarget.value))}>
            {[1, 2, 3, 4].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      <button type="button" id="design-go" disabled={busy || !instruction.trim()} onClick={design}>
        {busy ? "Designing…" : "Design"}
      </button>
      <ErrorLine error={error} />
      {result && (
        <>
          <p class="hint">
            They read: “{result.candidates[0]?.text ?? ""}”. Keep one to make it a voice of yours.
          </p>
          <ul class="samples" id="design-candidates">
            {result.candidates.map((c) => (
              <CandidateRow
                key={c.id}
                candidate={c}
                instruction={result.instruction}
                onKept={onKept}
              />
            ))}
          </ul>
        </>
      )}
    </fieldset>
  );
}
