/**
 * `fishaudio voices design "INSTRUCTION"`: voice candidates from a description, written to a
 * folder, played, and one of them kept as a voice.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { VoiceCandidate, VoiceDesignParams } from "../../index.js";
import { play } from "../../node/index.js";
import { connectionOptions, flag, list, number, oneOf, str } from "../args.js";
import { CliError } from "../errors.js";
import { note, printJson, table } from "../output.js";
import { connect, verbosity } from "../session.js";
import { requirePlayer } from "../sink.js";
import type { Command } from "./command.js";

const VISIBILITIES = ["public", "unlist", "private"] as const;

/** The file a candidate is written to inside `-o DIR`. */
export function candidateFile(candidate: VoiceCandidate): string {
  return `candidate-${candidate.index + 1}.wav`;
}

export const designCommand: Command = {
  spec: {
    name: "voices design",
    usage: "INSTRUCTION",
    summary: "Design voices from a description: candidates to hear, save or keep as a voice.",
    maxPositionals: 1,
    options: {
      n: { type: "string", short: "n", value: "N", description: "candidates, 1 to 4 (default 2)" },
      text: {
        type: "string",
        value: "TEXT",
        description: "what the candidates say (at most 150 characters)",
      },
      language: { type: "string", value: "CODE", description: "language hint, e.g. en, de, ja" },
      speed: { type: "string", value: "X", description: "speaking speed, above 0 up to 3" },
      seed: { type: "string", value: "N", description: "same seed, same candidates" },
      steps: { type: "string", value: "N", description: "diffusion steps, 1 to 128" },
      guidance: { type: "string", value: "X", description: "how closely to follow, from 0" },
      "instruct-guidance": {
        type: "string",
        value: "X",
        description: "instruction guidance scale, from 0",
      },
      output: {
        type: "string",
        short: "o",
        value: "DIR",
        description: "write candidate-N.wav files into DIR (created if missing)",
      },
      play: { type: "boolean", description: "play the candidates one after another" },
      keep: {
        type: "string",
        value: "N",
        description: "keep candidate N (1-based) as a voice; needs --title",
      },
      title: { type: "string", value: "TEXT", description: "title of the kept voice" },
      description: { type: "string", value: "TEXT", description: "description of the kept voice" },
      visibility: {
        type: "string",
        value: "V",
        description: "of the kept voice: public, unlist or private (default private)",
      },
      tag: { type: "string", value: "TAG", multiple: true, description: "tag the kept voice" },
      json: { type: "boolean", description: "print the candidates (without audio) as JSON" },
      ...connectionOptions,
    },
    notes: [
      "Lists the candidates on stdout; with --keep, prints the new voice id instead (or both, " +
        "with --json).",
    ],
    examples: [
      'fishaudio voices design "warm, deep narrator" -n 3 --play',
      'fishaudio voices design "bright young presenter" -o designs/ --seed 7',
      'fishaudio voices design "calm old storyteller" --seed 7 --keep 2 --title "Storyteller"',
    ],
  },
  async run({ values, positionals }, ctx) {
    const v = verbosity(values);
    const instruction = positionals[0];
    if (!instruction?.trim()) {
      throw new CliError('describe the voice, e.g. fishaudio voices design "warm, deep narrator"');
    }
    const n = number(values, "n", { min: 1, max: 4, integer: true });
    const keep = number(values, "keep", { min: 1, max: 4, integer: true });
    const title = str(values, "title");
    if (keep !== undefined && !title?.trim()) {
      throw new CliError('--keep needs a --title for the new voice, e.g. --title "Narrator"');
    }
    if (keep === undefined && title !== undefined) {
      throw new CliError("--title names a kept voice: add --keep N");
    }
    if (keep !== undefined && keep > (n ?? 2)) {
      throw new CliError(`--keep ${keep} but only ${n ?? 2} candidates are asked for (-n)`);
    }
    const speed = number(values, "speed", { max: 3 });
    if (speed !== undefined && speed <= 0) throw new CliError("--speed must be above 0");
    const params: VoiceDesignParams = { instruction };
    const text = str(values, "text");
    if (text !== undefined) params.referenceText = text;
    const language = str(values, "language");
    if (language !== undefined) params.language = language;
    if (n !== undefined) params.n = n;
    if (speed !== undefined) params.speed = speed;
    const seed = number(values, "seed", { integer: true });
    if (seed !== undefined) params.seed = seed;
    const steps = number(values, "steps", { min: 1, max: 128, integer: true });
    if (steps !== undefined) params.numStep = steps;
    const guidance = number(values, "guidance", { min: 0 });
    if (guidance !== undefined) params.guidanceScale = guidance;
    const instructGuidance = number(values, "instruct-guidance", { min: 0 });
    if (instructGuidance !== undefined) params.instructGuidanceScale = instructGuidance;
    const visibility = oneOf(values, "visibility", VISIBILITIES);
    if (flag(values, "play")) await requirePlayer();
    const output = str(values, "output");
    if (output !== undefined) {
      try {
        await mkdir(output, { recursive: true });
      } catch (error) {
        throw new CliError(`cannot write into ${output}: ${(error as Error).message}`);
      }
    }

    const { client } = await connect(values, ctx);
    ctx.errors.rejected = "the server could not design voices from that instruction";
    note(v, `Designing ${n ?? 2} voice${(n ?? 2) > 1 ? "s" : ""}…`);
    const { candidates } = await client.voices.design(params, { signal: ctx.signal });
    const files: string[] = [];
    if (output !== undefined) {
      for (const candidate of candidates) {
        const file = join(output, candidateFile(candidate));
        await writeFile(file, candidate.audio);
        files.push(file);
      }
      note(v, `Wrote ${files.join(", ")}`);
    }
    if (flag(values, "play")) {
      for (const candidate of candidates) {
        note(v, `Playing candidate ${candidate.index + 1} of ${candidates.length}`);
        await play(candidate.audio, { signal: ctx.signal });
      }
    }
    let kept: Awaited<ReturnType<typeof client.voices.keep>> | undefined;
    if (keep !== undefined) {
      const candidate = candidates.find((c) => c.index === keep - 1) ?? candidates[keep - 1];
      if (!candidate) {
        throw new CliError(`--keep ${keep}: the server returned ${candidates.length} candidates`);
      }
      const tags = list(values, "tag");
      const description = str(values, "description");
      kept = await client.voices.keep(
        candidate,
        {
          title: title!.trim(),
          ...(visibility !== undefined ? { visibility } : {}),
          ...(description !== undefined ? { description } : {}),
          ...(tags.length ? { tags } : {}),
        },
        { signal: ctx.signal },
      );
    }

    if (v.json) {
      return printJson({
        candidates: candidates.map(({ audio: _audio, ...rest }, i) => ({
          ...rest,
          bytes: candidates[i]!.audio.byteLength,
          ...(files[i] ? { file: files[i] } : {}),
        })),
        ...(kept ? { voice: kept } : {}),
      });
    }
    if (kept) {
      process.stdout.write(`${kept.id}\n`);
      note(v, `Kept candidate ${keep} as voice "${kept.title}" (${kept.visibility})`);
      return;
    }
    process.stdout.write(
      table(
        ["#", "ID", "SECONDS", "RATE", "TEXT"],
        candidates.map((c) => [
          String(c.index + 1),
          c.id,
          (c.durationMs / 1000).toFixed(1),
          String(c.sampleRate),
          c.text ?? "",
        ]),
      ),
    );
    if (output === undefined && !flag(values, "play")) {
      note(v, "Hear them with --play or save them with -o DIR; keep one with --keep N --title …");
    }
  },
};
