import { useEffect, useState } from "preact/hooks";
import { getJson, messageOf, request } from "../api.js";
import { type Recording, startRecording } from "../audio/recorder.js";
import { formatBytes } from "../format.js";
import type { Me, Voice, VoicePage } from "../types.js";
import { ErrorLine, SamplePlayer } from "../ui.js";
import { DesignVoice } from "./voice-design.js";

const PAGE_SIZE = 10;

interface NewSample {
  file: Blob;
  name: string;
  text: string;
}

/** Creating a voice: samples from files or the microphone, each with its transcript. */
function CreateVoice({ onCreated }: { onCreated: () => void }) {
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [visibility, setVisibility] = useState("private");
  const [samples, setSamples] = useState<NewSample[]>([]);
  const [recording, setRecording] = useState<Recording>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<string>();

  const addFiles = (files: FileList | null) => {
    if (!files) return;
    setSamples([...samples, ...[...files].map((f) => ({ file: f, name: f.name, text: "" }))]);
  };
  const toggleRecording = async () => {
    setError(undefined);
    try {
      if (recording) {
        const wav = await recording.stop();
        setRecording(undefined);
        setSamples([
          ...samples,
          { file: wav, name: `recording-${samples.length + 1}.wav`, text: "" },
        ]);
      } else {
        setRecording(await startRecording());
      }
    } catch (e) {
      setRecording(undefined);
      setError(`Microphone: ${messageOf(e)}`);
    }
  };
  const create = async () => {
    setBusy(true);
    setError(undefined);
    setCreated(undefined);
    try {
      const form = new FormData();
      form.append("title", title);
      form.append("description", description);
      form.append("visibility", visibility);
      form.append("type", "tts");
      form.append("train_mode", "fast");
      for (const s of samples) form.append("voices", s.file, s.name);
      // Transcripts are sent only when every sample has one (the API pairs them by position).
      if (samples.every((s) => s.text.trim())) {
        for (const s of samples) form.append("texts", s.text.trim());
      }
      const voice = (await (await request("/model", { form })).json()) as Voice;
      setCreated(voice._id);
      setTitle("");
      setDescription("");
      setSamples([]);
      onCreated();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset class="panel" id="create-voice">
      <legend>Create a voice</legend>
      <div class="row">
        <label>
          Title
          <input id="voice-title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <label>
          Visibility
          <select value={visibility} onChange={(e) => setVisibility(e.currentTarget.value)}>
            <option>private</option>
            <option>unlist</option>
            <option>public</option>
          </select>
        </label>
      </div>
      <label class="block">
        Description
        <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      <div class="row">
        <label>
          Samples (audio files)
          <input
            id="voice-files"
            type="file"
            accept="audio/*"
            multiple
            onChange={(e) => {
              addFiles(e.currentTarget.files);
              e.currentTarget.value = "";
            }}
          />
        </label>
        <button type="button" class="secondary" onClick={toggleRecording}>
          {recording ? "■ Stop recording" : "● Record from microphone"}
        </button>
      </div>
      {samples.length > 0 && (
        <ul class="samples">
          {samples.map((s, i) => (
            <li key={s.name}>
              <span>
                {s.name} ({formatBytes(s.file.size)})
              </span>
              <input
                placeholder="transcript of this sample (optional; otherwise it is transcribed)"
                value={s.text}
                onInput={(e) => {
                  const next = [...samples];
                  next[i] = { ...s, text: e.currentTarget.value };
                  setSamples(next);
                }}
              />
              <button
                type="button"
                class="small secondary"
                onClick={() => setSamples(samples.filter((_, j) => j !== i))}
              >
                remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        id="voice-create"
        disabled={busy || !title.trim() || samples.length === 0}
        onClick={create}
      >
        {busy ? "Creating…" : "Create voice"}
      </button>
      <ErrorLine error={error} />
      {created && (
        <p class="result" id="voice-created" data-voice-id={created}>
          Created voice <code>{created}</code>.
        </p>
      )}
    </fieldset>
  );
}

/** Editing one of your voices in place. */
function EditVoice(props: { voice: Voice; onDone: (changed: boolean) => void }) {
  const [title, setTitle] = useState(props.voice.title);
  const [description, setDescription] = useState(props.voice.description);
  const [visibility, setVisibility] = useState<string>(props.voice.visibility);
  const [tags, setTags] = useState(props.voice.tags.join(", "));
  const [error, setError] = useState<string>();
  const save = async () => {
    try {
      await request(`/model/${encodeURIComponent(props.voice._id)}`, {
        method: "PATCH",
        json: {
          title,
          description,
          visibility,
          tags: tags
            .split(",")
            .map((t) => t.trim())
            .filter(Boolean),
        },
      });
      props.onDone(true);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <div class="edit">
      <input value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      <select value={visibility} onChange={(e) => setVisibility(e.currentTarget.value)}>
        <option>private</option>
        <option>unlist</option>
        <option>public</option>
      </select>
      <input
        value={tags}
        placeholder="tags, comma separated"
        onInput={(e) => setTags(e.currentTarget.value)}
      />
      <button type="button" class="small" onClick={save}>
        Save
      </button>
      <button type="button" class="small secondary" onClick={() => props.onDone(false)}>
        Cancel
      </button>
      <ErrorLine error={error} />
    </div>
  );
}

/** The Voices view: search and page, samples, create, edit, delete, design. */
export function Voices(props: { me: Me; onChanged: () => void }) {
  const [query, setQuery] = useState("");
  const [mine, setMine] = useState(false);
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<VoicePage>();
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState<string>();
  const [generation, setGeneration] = useState(0);
  const refresh = () => {
    setGeneration((g) => g + 1);
    props.onChanged();
  };

  useEffect(() => {
    const params = new URLSearchParams({
      page_size: String(PAGE_SIZE),
      page_number: String(page),
    });
    if (query.trim()) params.set("title", query.trim());
    if (mine) params.set("self", "true");
    getJson<VoicePage>(`/model?${params}`).then(
      (r) => {
        setResult(r);
        setError(undefined);
      },
      (e) => setError(messageOf(e)),
    );
  }, [query, mine, page, generation]);

  const remove = async (voice: Voice) => {
    if (!confirm(`Delete the voice "${voice.title}"? This cannot be undone.`)) return;
    try {
      await request(`/model/${encodeURIComponent(voice._id)}`, { method: "DELETE" });
      refresh();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const pages = result ? Math.max(1, Math.ceil(result.total / PAGE_SIZE)) : 1;
  return (
    <section class="view" id="voices-view">
      <h2>Voices</h2>
      <div class="row">
        <input
          id="voice-search"
          type="search"
          placeholder="search by title"
          value={query}
          onInput={(e) => {
            setQuery(e.currentTarget.value);
            setPage(1);
          }}
        />
        <label class="inline">
          <input
            type="checkbox"
            checked={mine}
            onChange={(e) => {
              setMine(e.currentTarget.checked);
              setPage(1);
            }}
          />{" "}
          only mine
        </label>
        <span class="hint">{result && `${result.total} voices`}</span>
      </div>
      <ErrorLine error={error} />
      <table class="list" id="voice-list">
        <thead>
          <tr>
            <th>Title</th>
            <th>Id</th>
            <th>Visibility</th>
            <th>Languages / tags</th>
            <th>Samples</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {result?.items.map((v) => {
            const own = v.author._id === props.me.user_id;
            return (
              <tr key={v._id} data-voice-id={v._id}>
                <td>
                  <strong>{v.title}</strong>
                  <div class="hint">{v.description}</div>
                  {editing === v._id && (
                    <EditVoice
                      voice={v}
                      onDone={(changed) => {
                        setEditing(undefined);
                        if (changed) refresh();
                      }}
                    />
                  )}
                </td>
                <td>
                  <code>{v._id}</code>
                </td>
                <td>{v.visibility}</td>
                <td>{[...new Set([...v.languages, ...v.tags])].join(", ")}</td>
                <td>
                  {v.samples.length === 0
                    ? "—"
                    : v.samples.map((s) => (
                        <SamplePlayer key={s.audio} path={new URL(s.audio).pathname} />
                      ))}
                </td>
                <td class="actions">
                  {own && (
                    <>
                      <button
                        type="button"
                        class="small secondary"
                        onClick={() => setEditing(v._id)}
                      >
                        edit
                      </button>
                      <button type="button" class="small danger" onClick={() => remove(v)}>
                        delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="row pager">
        <button
          type="button"
          class="small secondary"
          disabled={page <= 1}
          onClick={() => setPage(page - 1)}
        >
          ← previous
        </button>
        <span>
          page {page} of {pages}
        </span>
        <button
          type="button"
          class="small secondary"
          disabled={page >= pages}
          onClick={() => setPage(page + 1)}
        >
          next →
        </button>
      </div>
      <CreateVoice onCreated={refresh} />
      <DesignVoice onKept={refresh} />
    </section>
  );
}
