/**
 * Where a worker script beside the calling module lives: the .ts file when running from src/
 * through tsx, the .js file when running from the tsc build in dist/.
 * @example
 * new Worker(siblingScript(import.meta.url, "espeak-worker"));
 */
export function siblingScript(callerUrl: string, name: string): URL {
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
