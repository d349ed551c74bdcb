/**
 * `fishaudio serve`: runs the local server (fishaudio-local) in the foreground until Ctrl-C.
 */
import { number, str } from "../args.js";
import { defaultDataDir, startLocalServer } from "../local.js";
import { printJson } from "../output.js";
import { verbosity } from "../session.js";
import type { Command } from "./command.js";

export const serve: Command = {
  spec: {
    name: "serve",
    usage: "",
    summary:
      "Run the Fish Audio API locally (fishaudio-local) until Ctrl-C. Point the SDK or\n" +
      "this CLI at it with FISH_BASE_URL and FISH_API_KEY.",
    options: {
      host: {
        type: "string",
        value: "HOST",
        description: "address to listen on (default 127.0.0.1)",
      },
      port: {
        type: "string",
        value: "PORT",
        description: "port to listen on (default 8080; 0 = any free)",
      },
      "data-dir": {
        type: "string",
        value: "DIR",
        description: "where voices and keys are kept (default ~/.fishaudio/local)",
      },
      "api-key": {
        type: "string",
        value: "KEY",
        description: "accept this API key (default $FISH_LOCAL_API_KEY, else one is made)",
      },
      json: { type: "boolean", description: "print {url, apiKey, dataDir} as JSON once listening" },
    },
    examples: ["fishaudio serve", "fishaudio serve --port 0 --json"],
  },

  async run({ values }, ctx) {
    const v = verbosity(values);
    const host = str(values, "host") ?? "127.0.0.1";
    const port = number(values, "port", { min: 0, max: 65_535, integer: true }) ?? 8080;
    const dataDir = str(values, "data-dir") ?? defaultDataDir();
    const apiKey = str(values, "api-key") ?? (process.env.FISH_LOCAL_API_KEY || undefined);
    const logger =
      v.quiet || v.json
        ? undefined
        : (line: string) => {
            // The banner below already says where it listens.
            if (!line.startsWith("listening on ")) {
              process.stderr.write(`${new Date().toISOString()} ${line}\n`);
            }
          };
    const server = await startLocalServer({
      host,
      port,
      dataDir,
      ...(apiKey ? { apiKey } : {}),
      ...(logger ? { logger } : {}),
    });
    if (v.json) {
      printJson({ url: server.url, apiKey: server.apiKey, dataDir });
    } else {
      const keyNote = server.apiKeyCreated
        ? " (created now and stored only as a hash: keep it)"
        : apiKey
          ? " (the one given)"
          : " (valid while this server runs; keys you kept still work)";
      process.stdout.write(
        [
          `Fish Audio local server listening on ${server.url}`,
          `API key:   ${server.apiKey}${keyNote}`,
          `Console:   ${server.url}/#key=${encodeURIComponent(server.apiKey)}`,
          `Data:      ${server.dataDir ?? dataDir}`,
          "",
          "Use it from another terminal:",
          `  export FISH_BASE_URL=${server.url} FISH_API_KEY=${server.apiKey}`,
          '  fishaudio tts "Hello" -o hello.mp3',
          "",
          "Press Ctrl-C to stop.",
          "",
        ].join("\n"),
      );
    }
    // Ctrl-C / SIGTERM abort ctx.signal (see main.ts); then stop accepting and close cleanly.
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    if (!v.quiet && !v.json) process.stderr.write("Stopping…\n");
    await server.close();
    if (!v.quiet && !v.json) process.stderr.write("Stopped.\n");
  },
};
