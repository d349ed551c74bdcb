/**
 * The `fishaudio` command line: finds the command, parses its options, runs it, and turns any
 * failure into one line on stderr and an exit code (see errors.ts).
 */
import { VERSION } from "../version.js";
import { helpText, parse } from "./args.js";
import { asr } from "./commands/asr.js";
import type { Command, CommandGroup } from "./commands/command.js";
import { credits } from "./commands/credits.js";
import { live } from "./commands/live.js";
import { serve } from "./commands/serve.js";
import { tts } from "./commands/tts.js";
import { voices } from "./commands/voices.js";
import { startEarly } from "./early.js";
import { CliError, diagnose, ExitCode } from "./errors.js";
import type { RunContext } from "./session.js";

const commands: Record<string, Command | CommandGroup> = { tts, live, voices, asr, credits, serve };

const SUMMARIES: [string, string][] = [
  ["tts [TEXT]", "turn text into speech (to a file, stdout or the speakers)"],
  ["live", "speak lines as you type them (realtime WebSocket)"],
  ["voices <sub>", "list | get | create | update | delete voices"],
  ["asr FILE", "transcribe audio to text, JSON or subtitles"],
  ["credits", "show the API credit balance and package"],
  ["serve", "run the Fish Audio API locally (fishaudio-local)"],
];

function mainHelp(): string {
  const rows = SUMMARIES.map(([name, text]) => `  ${name.padEnd(16)}${text}`);
  return `fishaudio ${VERSION}: the Fish Audio speech platform from the command line

Usage: fishaudio <command> [options]

Commands:
${rows.join("\n")}

Run \`fishaudio <command> --help\` for the options of each command. Every command that
calls the API also takes --local (run the local server in-process; no key needed) and
--data-dir DIR. --quiet hides progress; --version prints the version.

Environment:
  FISH_API_KEY          API key (create one at https://fish.audio/app/api-keys)
  FISH_BASE_URL         API base URL (default https://api.fish.audio)
  FISH_LOCAL_DATA_DIR   data directory for --local and serve (default ~/.fishaudio/local)
  FISHAUDIO_DEBUG=1     print stack traces of unexpected errors

Exit codes: 0 success, 1 failure, 2 usage or bad input, 3 authentication,
4 not found, 5 network, 6 out of credits or rate limited, 130 interrupted.
`;
}

function groupHelp(group: CommandGroup): string {
  const subs = Object.values(group.subcommands).map(
    ({ spec }) =>
      `  ${`${spec.name} ${spec.usage}`.trim().padEnd(22)}${spec.summary.split("\n")[0]}`,
  );
  return `Usage: fishaudio ${group.name} <subcommand> [options]

${group.summary[0]?.toUpperCase()}${group.summary.slice(1)}.

Subcommands:
${subs.join("\n")}

Run \`fishaudio ${group.name} <subcommand> --help\` for its options.
`;
}

/** Finds the command; options written before it (`fishaudio --local tts …`) move after it. */
function locate(argv: string[]): { name: string | undefined; rest: string[] } {
  const index = argv.findIndex((arg) => Object.hasOwn(commands, arg) || arg === "help");
  if (index < 0) return { name: argv.find((arg) => !arg.startsWith("-")), rest: [] };
  return { name: argv[index], rest: [...argv.slice(0, index), ...argv.slice(index + 1)] };
}

async function run(argv: string[], ctx: RunContext): Promise<number> {
  const first = argv[0];
  if (first === "--version" || first === "-V" || first === "-v") {
    process.stdout.write(`${VERSION}\n`);
    return ExitCode.ok;
  }
  const { name, rest } = locate(argv);
  if (name === undefined || name === "help") {
    const topic = name === "help" ? rest.find((arg) => !arg.startsWith("-")) : undefined;
    if (topic === undefined) {
      const asked = argv.some((arg) => arg === "--help" || arg === "-h" || arg === "help");
      if (argv.length > 0 && !asked) {
        throw new CliError(`unknown option ${argv[0]}; see \`fishaudio --help\``);
      }
      process.stdout.write(mainHelp());
      return ExitCode.ok;
    }
    return run([topic, ...rest.filter((arg) => arg !== topic), "--help"], ctx);
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    throw new CliError(
      `unknown command "${name}": the commands are ${Object.keys(commands).join(", ")} (see \`fishaudio --help\`)`,
    );
  }
  let command: Command;
  let args = rest;
  if ("subcommands" in entry) {
    const subIndex = rest.findIndex((arg) => !arg.startsWith("-"));
    const sub = subIndex >= 0 ? rest[subIndex]! : undefined;
    const found =
      sub !== undefined && Object.hasOwn(entry.subcommands, sub)
        ? entry.subcommands[sub]
        : undefined;
    if (!found) {
      if (sub === undefined) {
        // Asked for: help on stdout. Missing subcommand: the same text as a usage error.
        const asked = rest.includes("--help") || rest.includes("-h");
        (asked ? process.stdout : process.stderr).write(groupHelp(entry));
        return asked ? ExitCode.ok : ExitCode.usage;
      }
      throw new CliError(
        `unknown subcommand "${name} ${sub}": use one of ${Object.keys(entry.subcommands).join(", ")}`,
      );
    }
    command = found;
    args = [...rest.slice(0, subIndex), ...rest.slice(subIndex + 1)];
  } else {
    command = entry;
  }
  const parsed = parse(command.spec, args);
  if (parsed.values.help) {
    process.stdout.write(helpText(command.spec));
    return ExitCode.ok;
  }
  await command.run(parsed, ctx);
  return ExitCode.ok;
}

async function main(): Promise<void> {
  // Started by bin/fishaudio.js already; this covers running main.ts itself (idempotent).
  startEarly(process.argv.slice(2));
  const controller = new AbortController();
  const ctx: RunContext = { signal: controller.signal, errors: {}, cleanups: [] };
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals > 1) process.exit(ExitCode.interrupted);
    controller.abort();
    // Work that does not listen to the signal (a blocking read, a slow shutdown) gets 5 s.
    setTimeout(() => process.exit(ExitCode.interrupted), 5000).unref();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // A reader that goes away (`fishaudio voices list | head -1`) is not an error worth a trace;
  // the audio sinks notice it themselves and stop.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") {
      process.stderr.write(`fishaudio: cannot write to stdout: ${error.message}\n`);
      process.exit(ExitCode.failure);
    }
  });

  let code: number;
  try {
    code = await run(process.argv.slice(2), ctx);
  } catch (error) {
    const found = diagnose(error, ctx.errors);
    code = found.exitCode;
    if (controller.signal.aborted && code !== ExitCode.ok) {
      code = ExitCode.interrupted;
      process.stderr.write("fishaudio: interrupted\n");
    } else if (found.message) {
      process.stderr.write(`fishaudio: ${found.message}\n`);
      if (found.stack && process.env.FISHAUDIO_DEBUG) process.stderr.write(`${found.stack}\n`);
    }
  }
  for (const cleanup of ctx.cleanups.reverse()) {
    await Promise.resolve()
      .then(cleanup)
      .catch(() => {});
  }
  // Exit explicitly: idle keep-alive sockets or a paused stdin must not hold the shell.
  process.stdout.write("", () => process.exit(code));
}

await main();
