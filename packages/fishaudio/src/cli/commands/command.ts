import type { CommandSpec, Parsed } from "../args.js";
import type { RunContext } from "../session.js";

/** A runnable (sub)command: its spec (options and help) and what it does. */
export interface Command {
  spec: CommandSpec;
  run(parsed: Parsed, ctx: RunContext): Promise<void>;
}

/** A command made of subcommands, like `voices list`. */
export interface CommandGroup {
  name: string;
  summary: string;
  subcommands: Record<string, Command>;
}
