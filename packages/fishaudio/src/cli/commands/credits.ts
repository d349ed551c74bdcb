/**
 * `fishaudio credits`: the API credit balance and the current package.
 */
import { NotFoundError } from "../../index.js";
import { connectionOptions } from "../args.js";
import { printJson } from "../output.js";
import { connect, verbosity } from "../session.js";
import type { Command } from "./command.js";

export const credits: Command = {
  spec: {
    name: "credits",
    usage: "",
    summary: "Show the API credit balance and the current package.",
    options: {
      json: { type: "boolean", description: "print both as JSON on stdout" },
      ...connectionOptions,
    },
    examples: ["fishaudio credits", "fishaudio credits --json"],
  },

  async run({ values }, ctx) {
    const { client } = await connect(values, ctx);
    const options = { signal: ctx.signal };
    const [balance, pkg] = await Promise.all([
      client.account.getCredits(options),
      // An account without a package answers 404; that is "no package", not a failure.
      client.account.getPackage(options).catch((error: unknown) => {
        if (error instanceof NotFoundError) return null;
        throw error;
      }),
    ]);
    if (verbosity(values).json) return printJson({ credits: balance, package: pkg });
    const lines = [`Credits:  ${balance.credit}`];
    if (pkg) {
      const left = pkg.total > 0 ? `, ${pkg.balance} of ${pkg.total} left` : "";
      // A far-future end (the local server says 9999) is no end worth printing.
      const ends =
        pkg.finishedAt && !pkg.finishedAt.startsWith("9999") ? `, until ${pkg.finishedAt}` : "";
      lines.push(`Package:  ${pkg.type}${left}${ends}`);
    } else {
      lines.push("Package:  none");
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  },
};
