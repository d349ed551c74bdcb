/**
 * Reads an environment variable where the runtime has an environment (Node, Bun, Deno with
 * the process shim) and returns undefined elsewhere (browsers, edge workers). No Node import.
 */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = env?.[name]?.trim();
  return value ? value : undefined;
}
