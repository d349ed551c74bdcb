import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

// Paths a user's clone does not have: the specs and samples beside our checkout, or this
// machine's own folders. A test or build step that reads one passes here and fails for users.
const OUTSIDE = /\.\.\/shared\b|shared\/samples|\/work\/(?:shared|notes|main)\b/;
// A line may opt out only when a person runs it by hand (e.g. regenerating a committed file
// from the published schema), never from a test or a build.
const BY_HAND = "outside-repo-ok:";

describe("repository boundary", () => {
  it("no test, benchmark, script or source reads a path outside the repository", () => {
    const files = execFileSync("git", ["ls-files", "packages", "bench", "scripts", ".ci"], {
      cwd: ROOT,
      encoding: "utf8",
    })
      .split("\n")
      .filter((f) => /\.(ts|js|mjs|cjs|sh|json)$|\/run$/.test(f) && !f.endsWith("lock.json"));
    assert.ok(files.length > 50, `found only ${files.length} files to check`);
    const offenders: string[] = [];
    for (const file of files) {
      if (file === "scripts/test/repository-boundary.test.ts") continue;
      const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
      lines.forEach((line, i) => {
        if (OUTSIDE.test(line) && !line.includes(BY_HAND))
          offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(
      offenders,
      [],
      `These lines reach outside the repository, which a user's clone does not have. Copy what is needed into fixtures/ (see fixtures/README.md); a line run only by hand may say "${BY_HAND} <why>".`,
    );
  });
});
