interface RuntimeGlobals {
  process?: { env?: Record<string, string | undefined> };
  Deno?: { env?: { get?(name: string): string | undefined } };
}

/**
 * Reads an environment variable where the runtime has an environment (Node, Bun, Deno) and
 * returns undefined elsewhere (browsers, edge workers). Imports nothing from Node.
 */
export function readEnv(name: string): string | undefined {
  const g = globalThis as RuntimeGlobals;
  let value = g.process?.env?.[name];
  if (value === undefined) {
    try {
      value = g.Deno?.env?.get?.(name);
    } catch {
      // Deno without --allow-env throws; an unreadable variable counts as unset.
    }
  }
  value = value?.trim();
  return value ? value : undefined;
}
