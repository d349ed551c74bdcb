import { HttpError } from "../http/errors.js";

/**
 * Bounds on the free text one voice carries. The published schema sets none; without them one
 * user's voices (2 M tags each) made every listing slow, since listings return these fields.
 */
export const VOICE_TEXT_LIMITS = {
  titleChars: 200,
  descriptionChars: 2000,
  tags: 20,
  tagChars: 50,
  sampleTextChars: 5000,
} as const;

/** Characters as a reader counts them (code points), without walking a string far over `limit`. */
function tooLong(value: string, limit: number): boolean {
  if (value.length <= limit) return false;
  // A code point is at most two UTF-16 units.
  if (value.length > limit * 2) return true;
  let count = 0;
  for (const _ of value) if (++count > limit) return true;
  return false;
}

/**
 * Refuses (422) a text field over `limit` characters.
 * @example checkLength("title", fields.title, VOICE_TEXT_LIMITS.titleChars);
 */
export function checkLength(field: string, value: string, limit: number): void {
  if (tooLong(value, limit)) {
    throw new HttpError(422, `Field '${field}' is too long: at most ${limit} characters`);
  }
}

/**
 * Tags sent repeated, as a list, or comma-joined (the SDKs send all three), trimmed and
 * checked against the bounds before any split can multiply them.
 * @example parseTags(["a,b", "c"]) // ["a", "b", "c"]
 */
export function parseTags(values: string[]): string[] {
  const { tags: most, tagChars } = VOICE_TEXT_LIMITS;
  const refuse = () =>
    new HttpError(
      422,
      `Field 'tags' is over the limit: at most ${most} tags of at most ${tagChars} characters each`,
    );
  // Bounds the split below: more raw text than the most tags could need is refused unsplit.
  let raw = 0;
  for (const value of values) raw += value.length;
  if (values.length > most || raw > most * (tagChars * 2 + 1)) throw refuse();
  const tags = values
    .flatMap((t) => t.split(","))
    .map((t) => t.trim())
    .filter((t) => t !== "");
  if (tags.length > most) throw refuse();
  for (const tag of tags) {
    if (tooLong(tag, tagChars)) {
      throw new HttpError(
        422,
        `Field 'tags' has a tag over the limit: at most ${tagChars} characters each (and at most ${most} tags)`,
      );
    }
  }
  return tags;
}
