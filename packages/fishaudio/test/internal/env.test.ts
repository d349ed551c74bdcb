import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { readEnv } from "../../src/internal/env.js";

describe("readEnv", () => {
  const g = globalThis as { Deno?: unknown };
  afterEach(() => {
    delete process.env.FISH_TEST_VAR;
    delete g.Deno;
  });

  it("reads process.env, treating blank as unset", () => {
    process.env.FISH_TEST_VAR = " value ";
    assert.equal(readEnv("FISH_TEST_VAR"), "value");
    process.env.FISH_TEST_VAR = "  ";
    assert.equal(readEnv("FISH_TEST_VAR"), undefined);
  });

  it("falls back to Deno.env, and to undefined when Deno denies access", () => {
    g.Deno = {
      env: { get: (name: string) => (name === "FISH_TEST_VAR" ? "from-deno" : undefined) },
    };
    assert.equal(readEnv("FISH_TEST_VAR"), "from-deno");
    g.Deno = {
      env: {
        get: () => {
          throw new Error("PermissionDenied");
        },
      },
    };
    assert.equal(readEnv("FISH_TEST_VAR"), undefined);
  });
});
