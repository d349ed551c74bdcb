import { APIConnectionError, APIError, messageFromBody, WebSocketError } from "../core/error.js";

const KEY_HINT =
  "The realtime WebSocket upgrade was refused: check FISH_API_KEY or the apiKey option " +
  "(keys are at https://fish.audio/app/api-keys).";

/**
 * The error for an upgrade the server refused with `status`: the APIError class of that
 * status, and for a bad key a hint on what to check. Every runtime ends up here, whether its
 * WebSocket shows the status (`ws`) or the status had to be found out over HTTP.
 * @example refusedUpgrade(401, { message: "Invalid API key" }, headers) // AuthenticationError
 */
export function refusedUpgrade(status: number, body: unknown, headers: Headers): APIError {
  const generated = APIError.generate(status, body, headers);
  if (status !== 401 && status !== 403) return generated;
  const Class = generated.constructor as new (
    status: number,
    body: unknown,
    message: string,
    headers: Headers,
  ) => APIError;
  const detail = messageFromBody(body);
  return new Class(
    status,
    body,
    detail ? `${detail.replace(/\.?$/, ".")} ${KEY_HINT}` : KEY_HINT,
    headers,
  );
}

/** Asks the API, over plain HTTP with the same key, for the balance (GET /wallet/self/api-credit). */
export type CreditProbe = () => Promise<unknown>;

/**
 * A WHATWG WebSocket (Node 22+, Bun, Deno) hides why an upgrade failed. This finds out with
 * one HTTP request on the same key: a refused key becomes the same AuthenticationError that
 * `ws` reports; otherwise the WebSocketError lists the likely causes and how to see more.
 * @example const error = await explainFailedUpgrade(wsError, url, () => client.account.getCredits());
 */
export async function explainFailedUpgrade(
  failure: WebSocketError,
  url: string,
  probe: CreditProbe,
): Promise<Error> {
  let credits: unknown;
  try {
    credits = await probe();
  } catch (error) {
    if (error instanceof APIError && error.status !== undefined && error.headers) {
      return refusedUpgrade(error.status, error.body, error.headers);
    }
    if (error instanceof APIConnectionError) {
      return new WebSocketError(
        `${failure.message} The server is not reachable over HTTP either (${error.message}): ` +
          "check the base URL and your network.",
        { code: failure.code, serverMessage: failure.serverMessage, cause: failure },
      );
    }
    return failure;
  }
  const credit = Number((credits as { credit?: unknown } | undefined)?.credit);
  const causes =
    Number.isFinite(credit) && credit <= 0
      ? "your API credit is used up (the upgrade answers 402 Payment Required): top it up in your Fish Audio account"
      : "no API credit left (402), too many concurrent requests on this key (429), or a proxy " +
        "that does not pass WebSocket upgrades";
  return new WebSocketError(
    `Could not open the realtime WebSocket to ${url}. The API key works over HTTP, so the likely ` +
      `cause is: ${causes}. This runtime's WebSocket does not show the HTTP status; on Node, ` +
      "`npm install ws` makes the SDK report it.",
    { code: failure.code, serverMessage: failure.serverMessage, cause: failure },
  );
}
