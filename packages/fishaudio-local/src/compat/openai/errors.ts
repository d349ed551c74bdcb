import { HttpError } from "../../http/errors.js";
import { CompatError } from "../errors.js";

/**
 * Turns any failure into OpenAI's error envelope, `{error: {code, message, type}}` with the HTTP
 * status as an integer `code`. Failures of the native server below keep their status and add
 * `type: "provider_error"` and `metadata.provider_name`; this layer's own carry no metadata.
 * @example throw toOpenAiError(error, classify);
 */
export function toOpenAiError(error: unknown, classify: (error: unknown) => HttpError): HttpError {
  const failure = classify(error);
  const { status, message, headers } = failure;
  let body: Record<string, unknown>;
  if (failure instanceof CompatError || status === 413) {
    body = { code: status, message, type: openAiType(failure) };
  } else {
    body = {
      code: status,
      message,
      type: "provider_error",
      metadata: { provider_name: "fish-audio" },
    };
  }
  return new HttpError(status, message, headers, { error: body });
}

function openAiType(failure: HttpError): string {
  if (failure instanceof CompatError && failure.kind === "unauthorized") {
    return "authentication_error";
  }
  if (failure.status === 404) return "not_found_error";
  return "invalid_request_error";
}
