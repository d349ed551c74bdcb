import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Path of a file in `shared/samples/`, which sits beside the checkout (`../shared` of the repo
 * root) on developer machines and in CI alike, wherever the clone itself lives.
 * @example readFileSync(sharedSample("jfk.wav"))
 */
export function sharedSample(name: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "shared", "samples", name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) {
      throw new Error(`shared/samples/${name} not found: expected ../shared beside the checkout`);
    }
  }
}
