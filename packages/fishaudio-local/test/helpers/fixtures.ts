import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// packages/<name>/test/<folder>/ → the repository root: fixtures live in the repo, never beside it.
const FIXTURES = new URL("../../../../fixtures/", import.meta.url);

/**
 * Path of a test fixture in the repository's `fixtures/` folder.
 * @example readFileSync(fixture("jfk.wav"))
 */
export function fixture(name: string): string {
  const path = fileURLToPath(new URL(name, FIXTURES));
  if (!existsSync(path)) {
    throw new Error(
      `fixture ${name} not found at ${path}: every file a test reads belongs in fixtures/`,
    );
  }
  return path;
}
