/**
 * Dialogue scripts for `fishaudio tts --script`: one `SPEAKER: line` per line, turned into the
 * `<|speaker:N|>` text and the voice list the API takes.
 */
import { CliError } from "./errors.js";

/** A script ready to send: marked-up text and one voice id per speaker, in speaker order. */
export interface Dialogue {
  text: string;
  referenceId: string[];
  speakers: string[];
}

const LINE = /^\s*([^:\s][^:]{0,39}?)\s*:\s*(.*)$/u;

/**
 * Parses a script and matches its speakers to `voices` (NAME -> voice id, names compared
 * without case). Blank lines and `#` comments are skipped; a line without `NAME:` continues the
 * line before it.
 * @example parseScript("ALICE: Hi!\nBOB: Hello.", new Map([["alice", "v1"], ["bob", "v2"]]))
 * // { text: "<|speaker:0|>Hi!<|speaker:1|>Hello.", referenceId: ["v1", "v2"], speakers: ["ALICE", "BOB"] }
 */
export function parseScript(script: string, voices: Map<string, string>): Dialogue {
  const speakers: string[] = [];
  const turns: { speaker: number; text: string }[] = [];
  script.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const match = LINE.exec(line);
    if (!match) {
      const last = turns.at(-1);
      if (!last) {
        throw new CliError(
          `script line ${i + 1} has no speaker: start it with "NAME: ", e.g. "ALICE: Hello."`,
        );
      }
      last.text += ` ${line}`;
      return;
    }
    const name = match[1]!;
    let speaker = speakers.findIndex((s) => s.toLowerCase() === name.toLowerCase());
    if (speaker < 0) speaker = speakers.push(name) - 1;
    const last = turns.at(-1);
    if (last && last.speaker === speaker) last.text += ` ${match[2]}`;
    else turns.push({ speaker, text: match[2]! });
  });
  if (turns.every((t) => t.text.trim() === "")) {
    throw new CliError('the script has no lines: write one "NAME: what they say" per line');
  }
  const byName = new Map([...voices].map(([name, id]) => [name.toLowerCase(), id]));
  const missing = speakers.filter((s) => !byName.has(s.toLowerCase()));
  if (missing.length) {
    throw new CliError(
      `no voice for ${missing.join(", ")}: give each speaker one with --voice NAME=ID (e.g. --voice ${missing[0]}=<voice id>)`,
    );
  }
  const unused = [...voices.keys()].filter(
    (name) => !speakers.some((s) => s.toLowerCase() === name.toLowerCase()),
  );
  if (unused.length) {
    throw new CliError(
      `--voice ${unused[0]}=… names no speaker of the script (its speakers: ${speakers.join(", ")})`,
    );
  }
  return {
    text: turns.map((t) => `<|speaker:${t.speaker}|>${t.text.trim()}`).join(""),
    referenceId: speakers.map((s) => byName.get(s.toLowerCase())!),
    speakers,
  };
}
