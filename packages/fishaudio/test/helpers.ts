import { type ClientOptions, FishAudio } from "fishaudio";

/** One call the fake fetch received. */
export interface FetchCall {
  url: URL;
  init: RequestInit;
  headers: Headers;
}

type Handler = (call: FetchCall, attempt: number) => Response | Promise<Response>;

/** A fetch that answers from `handler` and records every call. */
export function fakeFetch(handler: Handler) {
  const calls: FetchCall[] = [];
  const fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const call = { url: new URL(input), init, headers: new Headers(init.headers) };
    calls.push(call);
    return handler(call, calls.length);
  };
  return { fetch, calls };
}

/** A client wired to `handler`, with a fixed key and base URL. */
export function clientWith(handler: Handler, options: ClientOptions = {}) {
  const { fetch, calls } = fakeFetch(handler);
  const client = new FishAudio({
    apiKey: "test-key",
    baseUrl: "http://127.0.0.1:9",
    fetch,
    ...options,
  });
  return { client, calls };
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    ...init,
    headers: { "content-type": "application/json", ...(init.headers as Record<string, string>) },
  });
}

/** A fetch result that never settles unless its signal aborts (like a real stalled request). */
export function stalled(init: RequestInit): Promise<Response> {
  return new Promise((_, reject) => {
    init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
  });
}

/** A body stream whose chunks the test pushes by hand. */
export function manualStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      cancelled = true;
    },
  });
  return {
    stream,
    push: (...bytes: number[]) => controller.enqueue(new Uint8Array(bytes)),
    end: () => controller.close(),
    get cancelled() {
      return cancelled;
    },
  };
}

/**
 * Tracks every setTimeout made while `run` executes and returns those neither fired nor
 * cleared: a leaked timer keeps a process alive.
 */
export async function pendingTimersAfter(run: () => Promise<void>): Promise<number> {
  const live = new Set<unknown>();
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const handle = realSet(
      (...a: unknown[]) => {
        live.delete(handle);
        fn(...a);
      },
      ms,
      ...args,
    );
    live.add(handle);
    return handle;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
    live.delete(handle);
    realClear(handle);
  }) as typeof clearTimeout;
  try {
    await run();
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
  return live.size;
}
