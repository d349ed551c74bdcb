import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

interface LockEntry {
  optionalDependencies?: Record<string, string>;
}
const lock = JSON.parse(
  readFileSync(new URL("../../package-lock.json", import.meta.url), "utf8"),
) as {
  packages: Record<string, LockEntry>;
};

/** Where npm would look up `name` from the lock entry at `from` (nested first, then upwards). */
function resolves(from: string, name: string): boolean {
  for (let dir = from; ; ) {
    const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[key]) return true;
    if (!dir) return false;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut === -1 ? "" : dir.slice(0, cut);
  }
}

describe("package-lock.json", () => {
  it("holds every platform's optional binaries, so npm ci accepts it on any machine", () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolves(path, name))
          missing.push(`${name} (optional dependency of ${path || "the root"})`);
      }
    }
    assert.ok(Object.keys(lock.packages).length > 100, "the lock lists the workspace's packages");
    assert.deepEqual(
      missing,
      [],
      "The lock lacks other platforms' optional packages, and npm ci refuses it there. Run `npm install` on a full lock (not `--package-lock-only` from a partial one) and commit the result.",
    );
  });
});
