import { useEffect, useState } from "preact/hooks";
import { getJson, messageOf } from "../api.js";
import { formatBytes, formatMicro, formatTime } from "../format.js";
import type { BinarySummary, LoggedRequest } from "../types.js";
import { ErrorLine, KeptAudio } from "../ui.js";

const POLL_MS = 1000;

function isBinary(value: unknown): value is BinarySummary {
  return typeof value === "object" && value !== null && (value as BinarySummary).$binary === true;
}

/**
 * A binary value: its kind and size, and a player when the server kept the audio (apart from
 * the log, which holds only the clip's id).
 */
function Binary({ value, requestId }: { value: BinarySummary; requestId: string }) {
  return (
    <span class="binary">
      <span class="size">
        {value.kind === "unknown" ? "binary" : value.kind} file, {formatBytes(value.bytes)}
      </span>{" "}
      {value.clip ? (
        <KeptAudio
          path={`/local/requests/${encodeURIComponent(requestId)}/audio/${encodeURIComponent(value.clip)}`}
        />
      ) : (
        <span class="hint">(not kept)</span>
      )}
    </span>
  );
}

/** One parsed field: binary values (audio, images) as their size, never their bytes. */
function FieldValue({ value, requestId }: { value: unknown; requestId: string }) {
  if (isBinary(value)) return <Binary value={value} requestId={requestId} />;
  if (Array.isArray(value)) {
    if (value.length === 0) return <code>[]</code>;
    return (
      <ol class="fields" start={0}>
        {value.map((item, i) => (
          <li key={i}>
            <FieldValue value={item} requestId={requestId} />
          </li>
        ))}
      </ol>
    );
  }
  if (typeof value === "object" && value !== null) {
    return <Fields body={value as Record<string, unknown>} requestId={requestId} />;
  }
  return <code>{JSON.stringify(value)}</code>;
}

function Fields({ body, requestId }: { body: Record<string, unknown>; requestId: string }) {
  return (
    <dl class="fields">
      {Object.entries(body).map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>
            <FieldValue value={value} requestId={requestId} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Detail({ id, onClose }: { id: string; onClose: () => void }) {
  const [entry, setEntry] = useState<LoggedRequest>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    getJson<LoggedRequest>(`/local/requests/${encodeURIComponent(id)}`).then(setEntry, (e) =>
      setError(messageOf(e)),
    );
  }, [id]);
  return (
    <aside class="panel detail" id="request-detail">
      <button type="button" class="small secondary close" onClick={onClose}>
        close
      </button>
      <ErrorLine error={error} />
      {entry && (
        <>
          <h3>
            {entry.method} {entry.path} → {entry.status || "in flight"}
          </h3>
          <dl class="fields">
            <div>
              <dt>request id</dt>
              <dd>
                <code>{entry.id}</code>
              </dd>
            </div>
            <div>
              <dt>key id</dt>
              <dd>
                <code>{entry.keyId ?? "—"}</code>
              </dd>
            </div>
            <div>
              <dt>model header</dt>
              <dd>{entry.model ?? "—"}</dd>
            </div>
            {Object.keys(entry.query).length > 0 && (
              <div>
                <dt>query</dt>
                <dd>
                  <Fields body={entry.query} requestId={entry.id} />
                </dd>
              </div>
            )}
            {entry.error && (
              <div>
                <dt>error</dt>
                <dd class="error">{entry.error}</dd>
              </div>
            )}
          </dl>
          <h4>Body fields</h4>
          {entry.body === null || entry.body === undefined ? (
            <p class="hint">no body</p>
          ) : (
            <FieldValue value={entry.body} requestId={entry.id} />
          )}
          {entry.responseAudio && (
            <>
              <h4>Audio answered</h4>
              <div id="response-audio">
                <Binary value={entry.responseAudio} requestId={entry.id} />
              </div>
            </>
          )}
        </>
      )}
    </aside>
  );
}

/** The Requests view: the latest API requests, refreshed every second, with a detail pane. */
export function Requests() {
  const [items, setItems] = useState<LoggedRequest[]>([]);
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const [paused, setPaused] = useState(false);

  useEffect(() => {
    if (paused) return;
    let cancelled = false;
    const poll = async () => {
      try {
        const result = await getJson<{ items: LoggedRequest[] }>("/local/requests?limit=200");
        if (!cancelled) {
          setItems(result.items);
          setError(undefined);
        }
      } catch (e) {
        if (!cancelled) setError(messageOf(e));
      }
    };
    poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [paused]);

  return (
    <section class="view" id="requests-view">
      <h2>Requests</h2>
      <div class="row">
        <span class="hint">
          The latest API requests from any client {paused ? "(paused)" : "(live, every second)"}.
          Keys appear as their id.
        </span>
        <button type="button" class="small secondary" onClick={() => setPaused(!paused)}>
          {paused ? "resume" : "pause"}
        </button>
      </div>
      <ErrorLine error={error} />
      <div class="split">
        <table class="list" id="request-list">
          <thead>
            <tr>
              <th>Time</th>
              <th>Key id</th>
              <th>Method</th>
              <th>Path</th>
              <th>model</th>
              <th>Status</th>
              <th>ms</th>
              <th>In</th>
              <th>Out</th>
              <th>Credits</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr
                key={r.id}
                data-request-id={r.id}
                data-path={r.path}
                data-method={r.method}
                class={`${selected === r.id ? "selected" : ""} ${r.status >= 400 ? "failed" : ""}`}
                onClick={() => setSelected(r.id)}
              >
                <td>{formatTime(r.time)}</td>
                <td>
                  <code>{r.keyId ? r.keyId.slice(0, 12) : "—"}</code>
                </td>
                <td>{r.method}</td>
                <td class="path">{r.path}</td>
                <td>{r.model ?? ""}</td>
                <td class="status">{r.status || "…"}</td>
                <td class="num">{r.durationMs ?? ""}</td>
                <td class="num">{formatBytes(r.bytesIn)}</td>
                <td class="num">{formatBytes(r.bytesOut)}</td>
                <td class="num">{formatMicro(r.creditMicro)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {selected && <Detail id={selected} onClose={() => setSelected(undefined)} />}
      </div>
      {items.length === 0 && !error && <p class="hint">No requests yet.</p>}
    </section>
  );
}
