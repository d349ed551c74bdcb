import type { IncomingMessage } from "node:http";

/**
 * The TTS model a request names in its `model` header. Any value is accepted (the local
 * engines serve them all alike) and recorded; a missing one becomes `fallback`.
 * @example const model = requestedModel(req, "s2.1-pro");
 */
export function requestedModel(req: IncomingMessage, fallback: string): string {
  const header = req.headers.model;
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? "";
  return value === "" ? fallback : value.slice(0, 100);
}
