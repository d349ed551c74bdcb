/**
 * Command-line parsing on node:util parseArgs, with one spec per command that also renders its
 * --help, so the help text can never drift from what is accepted.
 */
import { parseArgs } from "node:util";
import { CliError } from "./errors.js";

/** One option of a command. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Shown in --help, e.g. "FILE". */
  value?: string;
  description: string;
}

/** A command or subcommand: its usage, options and help text. */
export interface CommandSpec {
  /** Full name as typed, e.g. "voices list". */
  name: string;
  /** Positional part of the usage line, e.g. "[TEXT]". */
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Maximum positionals accepted (default 0). */
  maxPositionals?: number;
  examples?: string[];
  /** Extra paragraphs after the options. */
  notes?: string[];
}

/** Options every command that talks to the API accepts. */
export const connectionOptions: Record<string, OptionSpec> = {
  local: {
    type: "boolean",
    description: "start the local server (fishaudio-local) in-process and use it",
  },
  "data-dir": {
    type: "string",
    value: "DIR",
    description: "data directory for --local (default ~/.fishaudio/local)",
  },
};

const commonOptions: Record<string, OptionSpec> = {
  quiet: { type: "boolean", short: "q", description: "print no progress or notes on stderr" },
  help: { type: "boolean", short: "h", description: "show this help" },
};

/** Parsed values, keyed by long option name. */
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The result of parsing one command line. */
export interface Parsed {
  values: Values;
  positionals: string[];
}

/**
 * Parses argv against a command spec; bad input becomes a CliError that names the option.
 * @example const { values, positionals } = parse(ttsSpec, ["Hello", "-o", "hi.mp3"]);
 */
export function parse(spec: CommandSpec, argv: string[]): Parsed {
  const options = { ...spec.options, ...commonOptions };
  const config: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> =
    {};
  for (const [name, option] of Object.entries(options)) {
    config[name] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.multiple ? { multiple: true } : {}),
    };
  }
  let result: Parsed;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: config,
      allowPositionals: true,
      strict: true,
    });
    result = { values: values as Values, positionals };
  } catch (error) {
    throw new CliError(`${explainParseError(error)}; see \`fishaudio ${spec.name} --help\``);
  }
  const max = spec.maxPositionals ?? 0;
  if (!result.values.help && result.positionals.length > max) {
    const extra = result.positionals.slice(max).join(" ");
    const hint = max > 0 ? ` (quote text that contains spaces)` : "";
    throw new CliError(
      `unexpected argument "${extra}" for \`fishaudio ${spec.name}\`${hint}; see \`fishaudio ${spec.name} --help\``,
    );
  }
  return result;
}

function explainParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = String(message ?? error);
  const quoted = /'(-[^']*)'/.exec(text)?.[1] ?? "";
  const option = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option || text}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/ambiguous/.test(text)) {
        return `option ${option} needs a value; write ${option}=VALUE when it starts with "-"`;
      }
      if (/argument missing/.test(text)) return `option ${option} needs a value`;
      return `option ${option} takes no value`;
    default:
      return text.split("\n")[0] ?? text;
  }
}

/**
 * Renders the --help text of a command from its spec.
 * @example process.stdout.write(helpText(ttsSpec));
 */
export function helpText(spec: CommandSpec): string {
  const lines = [
    `Usage: fishaudio ${spec.name}${spec.usage ? ` ${spec.usage}` : ""} [options]`,
    "",
  ];
  lines.push(spec.summary, "", "Options:");
  const options = { ...spec.options, ...commonOptions };
  const rows = Object.entries(options).map(([name, option]) => {
    const short = option.short ? `-${option.short}, ` : "    ";
    const value = option.type === "string" ? ` ${option.value ?? "VALUE"}` : "";
    const repeat = option.multiple ? " (repeatable)" : "";
    return [`  ${short}--${name}${value}`, `${option.description}${repeat}`] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  for (const [left, right] of rows) lines.push(left.padEnd(width) + right);
  for (const note of spec.notes ?? []) lines.push("", note);
  if (spec.examples?.length) {
    lines.push("", "Examples:");
    for (const example of spec.examples) lines.push(`  ${example}`);
  }
  return `${lines.join("\n")}\n`;
}

/** A string option's value, or undefined. */
export function str(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** A repeatable string option's values (possibly empty). */
export function list(values: Values, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}

/** A boolean option's value. */
export function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

/**
 * Parses a numeric option, checking range and integrality, with an error that names the option.
 * @example const speed = number(values, "speed", { min: 0.5, max: 2 });
 */
export function number(
  values: Values,
  name: string,
  limits: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const kind = limits.integer ? "a whole number" : "a number";
  const range =
    limits.min !== undefined && limits.max !== undefined
      ? ` from ${limits.min} to ${limits.max}`
      : limits.min !== undefined
        ? ` of at least ${limits.min}`
        : "";
  const bad =
    raw.trim() === "" ||
    !Number.isFinite(value) ||
    (limits.integer && !Number.isInteger(value)) ||
    (limits.min !== undefined && value < limits.min) ||
    (limits.max !== undefined && value > limits.max);
  if (bad) throw new CliError(`--${name} must be ${kind}${range}, got "${raw}"`);
  return value;
}

/**
 * Checks that a string option is one of the allowed values.
 * @example const format = oneOf(values, "format", ["mp3", "wav", "pcm", "opus"]);
 */
export function oneOf<T extends string>(
  values: Values,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new CliError(`--${name} must be one of ${allowed.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}
