interface RuntimeGlobals {
  process?: { env?: Record<string, string | undefined> };
  Deno?: { env?: { get?(name: string): string | undefined } };
}

/**
 * Reads an environment variable where the runtime has an environment (Node, Bun, Deno) and
 * returns undefined elsewhere (browsers, edge workers). Imports nothing from Node. A variable
 * the runtime refuses to show counts as unset: Deno without --allow-env throws NotCapable from
 * both `process.env` and `Deno.env`.
 * @example readEnv("FISH_API_KEY") // "sk-…" or undefined
 */
export function readEnv(name: string): string | undefined {
  const g = globalThis as RuntimeGlobals;
  const value = attempt(() => g.process?.env?.[name]) ?? attempt(() => g.Deno?.env?.get?.(name));
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function attempt(read: () => string | undefined): string | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
