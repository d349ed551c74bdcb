import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { FishAudio } from "../../src/index.js";
import { readEnv } from "../../src/internal/env.js";

/** Runs `fn` while reading process.env throws, as it does in Deno without --allow-env. */
function withDeniedEnv<T>(fn: () => T): T {
  const real = Object.getOwnPropertyDescriptor(process, "env")!;
  const denied = new Proxy(
    {},
    {
      get(_, name) {
        throw new Error(`NotCapable: Requires env access to "${String(name)}"`);
      },
    },
  );
  Object.defineProperty(process, "env", { value: denied, configurable: true });
  try {
    return fn();
  } finally {
    Object.defineProperty(process, "env", real);
  }
}

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

  it("counts a process.env that throws as unset (Deno without --allow-env)", () => {
    g.Deno = {
      env: {
        get: () => {
          throw new Error("NotCapable");
        },
      },
    };
    assert.equal(
      withDeniedEnv(() => readEnv("FISH_BASE_URL")),
      undefined,
    );
    const client = withDeniedEnv(() => new FishAudio({ apiKey: "k" }));
    assert.equal(client.baseUrl, "https://api.fish.audio");
    assert.throws(() => withDeniedEnv(() => new FishAudio()), /No API key: set the FISH_API_KEY/);
  });
});
