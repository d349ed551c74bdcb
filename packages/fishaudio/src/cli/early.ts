/**
 * The first thing the CLI runs, before its own modules load: for `tts --local` it has
 * fishaudio-local start the flite worker and compile LAME (`fishaudio-local/one-shot`), so that
 * both overlap with loading the CLI and the server instead of waiting for the request. It reads
 * the raw arguments: a wrong guess costs a little CPU on the other core, never a result.
 */

/** What a `tts --local` command line will need, or undefined for any other command. */
export function oneShotNeeds(
  argv: readonly string[],
): { flite: boolean; mp3: boolean } | undefined {
  const end = argv.indexOf("--");
  const args = end >= 0 ? argv.slice(0, end) : argv;
  if (!args.includes("tts") || !args.includes("--local")) return undefined;
  if (args.includes("--help") || args.includes("-h")) return undefined;
  const value = (name: string, short?: string): string | undefined => {
    for (let i = args.length - 1; i >= 0; i--) {
      const arg = args[i]!;
      if (arg === name || arg === short) return args[i + 1];
      if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
    }
    return undefined;
  };
  const format = value("--format") ?? /\.([a-z0-9]+)$/i.exec(value("--output", "-o") ?? "")?.[1];
  // A named voice or a script's speakers may be any engine's: only the default voice is flite's.
  const named = args.some((a) => a === "--voice" || a.startsWith("--voice=") || a === "--script");
  return { flite: !named, mp3: format === undefined || format.toLowerCase() === "mp3" };
}

/**
 * Starts what `argv` will need from the local server, if it runs one; never throws.
 * @example startEarly(process.argv.slice(2));
 */
export function startEarly(argv: readonly string[]): void {
  const needs = oneShotNeeds(argv);
  if (!needs || (!needs.flite && !needs.mp3)) return;
  // A variable specifier keeps bundlers and the type checker from resolving the optional peer.
  const specifier = "fishaudio-local/one-shot";
  import(specifier)
    .then((module: { prepareOneShot?: (needs: object) => void }) => module.prepareOneShot?.(needs))
    .catch(() => undefined);
}
