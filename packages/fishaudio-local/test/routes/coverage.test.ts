/**
 * Every entry of the route table has an integration test: some test file outside this one and
 * the dispatcher's unit test makes that request. Test sources are parsed (TypeScript's own
 * parser), so a path in a comment or a string that no call uses does not count: the method and
 * the path must meet in one call (`t.call("POST", "/v1/tts")`, `fetch(url, { method })`), one
 * request object (`{ method: "GET", path: "/model" }`) or one row of a table of requests
 * (`["GET", \`/model/${id}\`]`); a WebSocket entry needs a `new WebSocket(...)` of its path. A
 * `${…}` stands for any path parameter, at the start for the server's URL and at the end for a
 * query; a name bound to a literal in the same file stands for it. Adding an endpoint without a
 * test that calls it fails here.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { ROUTES, type Route } from "../../src/routes/table.js";

const testDir = fileURLToPath(new URL("..", import.meta.url));
const UNIT_TESTS = new Set(["routes/coverage.test.ts", "routes/dispatch.test.ts"]);
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]);
/** Where a template literal has an expression: any parameter value, or the base URL. */
const HOLE = "\u0000";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith(".ts") ? [full] : [];
  });
}

/** The text of a string or template literal (expressions as HOLE); undefined for anything else. */
function literal(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    return node.head.text + node.templateSpans.map((s) => HOLE + s.literal.text).join("");
  }
  return undefined;
}

/** One place a request is made: the literals that meet there, and whether it opens a socket. */
interface Site {
  values: string[];
  socket: boolean;
  fetch: boolean;
}

/** String and template literals bound to a name in the file (`const url = \`${base}/x\``). */
function bindings(source: ts.SourceFile): Map<string, string[]> {
  const named = new Map<string, string[]>();
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const text = literal(node.initializer);
      if (text !== undefined)
        named.set(node.name.text, [...(named.get(node.name.text) ?? []), text]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return named;
}

function sites(source: ts.SourceFile): Site[] {
  const found: Site[] = [];
  const named = bindings(source);
  const valuesOf = (nodes: readonly ts.Node[]): string[] =>
    nodes.flatMap((n) => {
      if (ts.isObjectLiteralExpression(n)) {
        return valuesOf(
          n.properties.flatMap((p) => (ts.isPropertyAssignment(p) ? [p.initializer] : [])),
        );
      }
      if (ts.isIdentifier(n)) return named.get(n.text) ?? [];
      const text = literal(n);
      return text === undefined ? [] : [text];
    });
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const callee = node.expression.getText(source);
      found.push({
        values: valuesOf(node.arguments ?? []),
        socket: ts.isNewExpression(node) && /WebSocket$/.test(callee),
        fetch: /(^|\.)fetch$/.test(callee),
      });
    } else if (ts.isArrayLiteralExpression(node)) {
      found.push({ values: valuesOf(node.elements), socket: false, fetch: false });
    } else if (ts.isObjectLiteralExpression(node)) {
      found.push({ values: valuesOf([node]), socket: false, fetch: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const allSites = files(testDir)
  .filter((f) => !UNIT_TESTS.has(relative(testDir, f).split("\\").join("/")))
  .flatMap((f) =>
    sites(ts.createSourceFile(f, readFileSync(f, "utf8"), ts.ScriptTarget.Latest, true)),
  );

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
}

/** The route's path as a whole literal: optionally after the base URL, optionally with a query. */
function pathPattern(route: Route): RegExp {
  const segments = route.path
    .split("/")
    .slice(1)
    .filter((s) => s !== "")
    .map((s) =>
      /^\{\w+:int\}$/.test(s)
        ? `(?:${HOLE}|\\d+)`
        : /^\{\w+\}$/.test(s)
          ? `[^/?${HOLE}]*${HOLE}?[^/?]*`
          : escapeRegExp(s),
    );
  // A hole right after the path is its query string (`${path}${query}`).
  return new RegExp(`^(?:${HOLE}|https?://[^/]+)?/${segments.join("/")}/?(?:\\?.*|${HOLE})?$`);
}

/** Whether some request site of the tests calls `route`. */
function called(route: Route): boolean {
  const path = pathPattern(route);
  return allSites.some((site) => {
    if (!site.values.some((v) => path.test(v))) return false;
    if (route.method === "WS") return site.socket;
    const methods = site.values.filter((v) => METHODS.has(v));
    // fetch without a method is a GET.
    if (methods.length === 0) return route.method === "GET" && site.fetch;
    return methods.includes(route.method);
  });
}

describe("the route table", () => {
  it("has an integration test for every entry", () => {
    const untested = ROUTES.filter((route) => !called(route));
    assert.deepEqual(
      untested.map((r) => `${r.method} ${r.path}`),
      [],
      "entries of src/routes/table.ts that no test under test/ calls",
    );
  });

  it("does not count a path that only a comment or a lone string names", () => {
    const source = ts.createSourceFile(
      "x.ts",
      '// t.call("POST", "/v1/tts")\nconst path = "/v1/tts";\nsend("POST");\n',
      ts.ScriptTarget.Latest,
      true,
    );
    const tts = pathPattern(ROUTES.find((r) => r.path === "/v1/tts")!);
    const hits = sites(source).filter(
      (s) => s.values.some((v) => tts.test(v)) && s.values.includes("POST"),
    );
    assert.deepEqual(hits, []);
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
