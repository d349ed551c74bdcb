/** Talks to the server the page came from, with the key the page was opened with. */

const STORAGE_KEY = "fishaudio-local.key";

/** A `{status, message}` answer from the server. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Takes the key from the URL fragment (`#key=…`) into session storage and removes it from the
 * address bar; returns the key to use, if any.
 * @example const key = adoptKeyFromFragment();
 */
export function adoptKeyFromFragment(): string | undefined {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromUrl = fragment.get("key");
  if (fromUrl) {
    sessionStorage.setItem(STORAGE_KEY, fromUrl);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

/** Stores a key typed into the sign-in form. @example rememberKey("abc") */
export function rememberKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

/** Forgets the key (sign out). @example forgetKey() */
export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

function currentKey(): string {
  return sessionStorage.getItem(STORAGE_KEY) ?? "";
}

/** What a request sends: a JSON value, a form, or nothing. */
export interface RequestOptions {
  method?: string;
  json?: unknown;
  form?: FormData;
  /** Extra headers (e.g. `model`); the key is always added. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Sends a request to this server with the key; throws ApiError on an error answer.
 * @example const res = await request("/v1/tts", { method: "POST", json: { text: "Hi" } });
 */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    ...options.headers,
    Authorization: `Bearer ${currentKey()}`,
  };
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = options.form;
  }
  const init: RequestInit = {
    method: options.method ?? (body ? "POST" : "GET"),
    headers,
    credentials: "omit",
    cache: "no-store",
  };
  if (body !== undefined) init.body = body;
  if (options.signal) init.signal = options.signal;
  const res = await fetch(path, init);
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const parsed = (await res.json()) as { message?: string };
      if (parsed.message) message = parsed.message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, message);
  }
  return res;
}

/** Like {@link request}, parsing a JSON answer. @example const me = await getJson<Me>("/local/me"); */
export async function getJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await request(path, options)).json() as Promise<T>;
}

/** A blob: URL of an audio file that needs the key (voice samples). */
export async function authorizedObjectUrl(path: string): Promise<string> {
  const res = await request(path);
  return URL.createObjectURL(await res.blob());
}

/** A readable message for anything thrown. @example setError(messageOf(error)) */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return `${error.status}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
