import { useEffect, useState } from "preact/hooks";
import { getJson, messageOf } from "./api.js";
import type { Voice, VoicePage } from "./types.js";

/**
 * Every voice the key can use (engine voices, public voices, its own), fetched page by page;
 * `reload` fetches them again after a change.
 * @example const { voices } = useAllVoices();
 */
export function useAllVoices() {
  const [voices, setVoices] = useState<Voice[]>([]);
  const [error, setError] = useState<string>();
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const all: Voice[] = [];
      for (let page = 1; page <= 50; page++) {
        const result = await getJson<VoicePage>(`/model?page_size=100&page_number=${page}`);
        all.push(...result.items);
        if (result.items.length === 0 || all.length >= result.total) break;
      }
      if (!cancelled) setVoices(all);
    })().catch((e) => !cancelled && setError(messageOf(e)));
    return () => {
      cancelled = true;
    };
  }, [generation]);
  return { voices, error, reload: () => setGeneration((g) => g + 1) };
}
