import { useEffect, useState } from "preact/hooks";
import { ApiError, authorizedObjectUrl, messageOf } from "./api.js";

/** An error line (nothing when there is no error). */
export function ErrorLine({ error }: { error: string | undefined }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

/** A player for an audio URL of this server that needs the key (fetched once, on demand). */
export function SamplePlayer({ path }: { path: string }) {
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => () => url && URL.revokeObjectURL(url), [url]);
  // biome-ignore lint/a11y/useMediaCaption: the sample's transcript is on the voice's page
  if (url) return <audio class="sample" controls autoplay src={url} />;
  return (
    <span>
      <button
        type="button"
        class="small"
        onClick={() => authorizedObjectUrl(path).then(setUrl, (e) => setError(messageOf(e)))}
      >
        ▶ sample
      </button>
      <ErrorLine error={error} />
    </span>
  );
}

/**
 * A player for audio of this server that needs the key, fetched when shown; says so when the
 * server no longer has it.
 * @example <KeptAudio path="/local/requests/abc/audio/3" />
 */
export function KeptAudio({ path }: { path: string }) {
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let made: string | undefined;
    let live = true;
    authorizedObjectUrl(path).then(
      (u) => {
        made = u;
        if (live) setUrl(u);
        else URL.revokeObjectURL(u);
      },
      (e) =>
        live &&
        setError(e instanceof ApiError && e.status === 404 ? "no longer kept" : messageOf(e)),
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [path]);
  if (error) return <span class="hint">({error})</span>;
  if (!url) return <span class="hint">…</span>;
  // biome-ignore lint/a11y/useMediaCaption: the request's text, if any, is in the fields beside it
  return <audio class="kept" controls src={url} data-path={path} />;
}

/**
 * Offers `data` as a file to save (a blob: URL; nothing leaves the browser).
 * @example <DownloadLink data={blob} name="audio.mp3" label="Download" />
 */
export function DownloadLink(props: { data: Blob; name: string; label: string }) {
  const [url, setUrl] = useState("");
  useEffect(() => {
    const made = URL.createObjectURL(props.data);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [props.data]);
  return (
    <a class="button" href={url} download={props.name}>
      {props.label}
    </a>
  );
}
