/** Every helper script, and its folder under engines/. */
const HELPER_DIRS = {
  "flite-worker": "speech",
  "flite-child": "speech",
  "espeak-worker": "speech",
  "asr-worker": "recognition",
  "decode-worker": "codecs",
  "encoder-worker": "codecs",
} as const;

/** The name of a helper script (a worker thread's or a child process's entry). */
export type HelperScript = keyof typeof HELPER_DIRS;

/**
 * Where a helper script beside the calling module lives: the .ts file when running from src/
 * through tsx, the .js file when running from the tsc build in dist/. From the bundled entry
 * (dist/bundle/, which the package exports for a faster start) it is the tsc build's file.
 * @example
 * new Worker(siblingScript(import.meta.url, "espeak-worker"));
 */
export function siblingScript(callerUrl: string, name: HelperScript): URL {
  if (callerUrl.includes("/dist/bundle/")) {
    return new URL(`../engines/${HELPER_DIRS[name]}/${name}.js`, callerUrl);
  }
  const fromSource = callerUrl.endsWith(".ts");
  return new URL(`./${name}${fromSource ? ".ts" : ".js"}`, callerUrl);
}

/** Node flags that must reach a child process: module loaders and resolution conditions only. */
const INHERITED =
  /^--(import|loader|experimental-loader|require|conditions|experimental-[\w-]+)(=|$)/;
const WITH_VALUE = new Set([
  "--import",
  "--loader",
  "--experimental-loader",
  "--require",
  "-r",
  "--conditions",
  "-C",
]);

/**
 * The subset of this process's execArgv a forked helper should inherit (never `--test`, `--inspect`…).
 * @example
 * fork(script, [], { execArgv: [...inheritedExecArgv(), "--expose-gc"] });
 */
export function inheritedExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (WITH_VALUE.has(arg) && i + 1 < argv.length) {
      out.push(arg, argv[i + 1]!);
      i++;
    } else if (INHERITED.test(arg) || arg === "-r") {
      out.push(arg);
    }
  }
  return out;
}
