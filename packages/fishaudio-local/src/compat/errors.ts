import { HttpError } from "../http/errors.js";

/** What went wrong, in the compatibility layer's own terms (each protocol names them its way). */
export type CompatKind =
  | "invalid_request"
  | "unauthorized"
  | "not_found"
  | "voice_not_found"
  | "model_not_found"
  | "payload_too_large";

/**
 * A failure raised by the compatibility layer itself (a refused option, a preset voice name, no
 * key). Every other error comes from the native server below it and is reported by the
 * protocols as a provider error with its original status.
 */
export class CompatError extends HttpError {
  override name = "CompatError";
  /**
   * @example throw new CompatError(400, "invalid_request", "'instructions' is not supported");
   */
  constructor(
    status: number,
    readonly kind: CompatKind,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(status, message, headers);
  }
}

/**
 * The 400 for an option the contract refuses rather than silently ignores.
 * @example throw refused("'diarize' is not supported: speaker attribution is not available");
 */
export function refused(message: string): CompatError {
  return new CompatError(400, "invalid_request", message);
}
