import { HttpError } from "../../http/errors.js";
import { CompatError } from "../errors.js";

/**
 * Turns any failure into ElevenLabs' envelope, `{detail: {status, message}}`. This layer's own
 * failures name their kind (`invalid_request`, `unauthorized`, `voice_not_found`, …); failures of
 * the native server below are `provider_error` with their message verbatim, except rate limits,
 * oversize bodies and server faults, which have statuses of their own.
 * @example throw toElevenLabsError(error, classify);
 */
export function toElevenLabsError(
  error: unknown,
  classify: (error: unknown) => HttpError,
): HttpError {
  const failure = classify(error);
  const { status, message, headers } = failure;
  let kind: string;
  if (failure instanceof CompatError) kind = failure.kind;
  else if (status === 429) kind = "rate_limit_error";
  else if (status === 413) kind = "payload_too_large";
  else if (status >= 500) kind = "upstream_error";
  else kind = "provider_error";
  return new HttpError(status, message, headers, { detail: { status: kind, message } });
}
