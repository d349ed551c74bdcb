/**
 * Every entry of the route table has an integration test: some test file outside this one and
 * the dispatcher's unit test sends that method to that path (a `"/model/${id}"` template literal
 * counts for `/model/{id}`). Adding an endpoint without a test that calls it fails here.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ROUTES, type Route } from "../../src/routes/table.js";

const testDir = fileURLToPath(new URL("..", import.meta.url));
const UNIT_TESTS = new Set(["routes/coverage.test.ts", "routes/dispatch.test.ts"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith(".ts") ? [full] : [];
  });
}

const sources = files(testDir)
  .filter((f) => !UNIT_TESTS.has(relative(testDir, f).split("\\").join("/")))
  .map((f) => ({ file: relative(testDir, f), text: readFileSync(f, "utf8") }));

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
}

/** A string or template literal holding the route's path (parameters as `${…}` or a value). */
function pathPattern(route: Route): RegExp {
  const segments = route.path
    .split("/")
    .slice(1)
    .map((s) =>
      /^\{\w+:int\}$/.test(s)
        ? String.raw`(?:\$\{[^}]+\}|\d+)`
        : /^\{\w+\}$/.test(s)
          ? String.raw`(?:\$\{[^}]+\}|[\w.%-]+)`
          : escapeRegExp(s),
    );
  const body = segments.length === 0 || segments[0] === "" ? "/" : `/${segments.join("/")}`;
  return new RegExp(String.raw`["'\x60]${body}(?=["'\x60?])`, "g");
}

/** Whether `text` calls the route: its method close before its path (a WebSocket for WS). */
function calls(text: string, route: Route): boolean {
  for (const hit of text.matchAll(pathPattern(route))) {
    const before = text.slice(Math.max(0, hit.index - 240), hit.index);
    if (route.method === "WS") {
      if (/WebSocket/.test(text)) return true;
    } else if (before.includes(`"${route.method}"`)) {
      return true;
    }
  }
  return false;
}

describe("the route table", () => {
  it("has an integration test for every entry", () => {
    const untested = ROUTES.filter((route) => !sources.some((s) => calls(s.text, route)));
    assert.deepEqual(
      untested.map((r) => `${r.method} ${r.path}`),
      [],
      "entries of src/routes/table.ts that no test under test/ calls",
    );
  });

  it("names only operations the extracted schema has", async () => {
    const { OPENAPI } = await import("../../src/schema/openapi.generated.js");
    const missing = ROUTES.filter((r) => r.operation && !OPENAPI.operations[r.operation]);
    assert.deepEqual(
      missing.map((r) => r.operation),
      [],
      "rerun scripts/extract-schemas.mjs, or fix the entry's operation",
    );
  });
});
