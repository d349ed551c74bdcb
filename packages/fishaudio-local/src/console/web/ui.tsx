import { useEffect, useState } from "preact/hooks";
import { authorizedObjectUrl, messageOf } from "./api.js";

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
