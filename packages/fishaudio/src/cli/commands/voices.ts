/**
 * `fishaudio voices list|get|create|update|delete`: managing voice models (cloned voices).
 */
import type { Voice, VoiceCreateParams, VoiceListParams, VoiceUpdateParams } from "../../index.js";
import { connectionOptions, flag, list, number, oneOf, str, type Values } from "../args.js";
import { CliError } from "../errors.js";
import { audioFile, imageFile } from "../input.js";
import { note, printJson, table } from "../output.js";
import { connect, verbosity } from "../session.js";
import type { Command, CommandGroup } from "./command.js";
import { designCommand } from "./voices-design.js";

const VISIBILITIES = ["public", "unlist", "private"] as const;
const json = { type: "boolean", description: "print JSON on stdout" } as const;

const listCommand: Command = {
  spec: {
    name: "voices list",
    usage: "",
    summary: "List voices, one page at a time (or every page with --all).",
    options: {
      "page-size": {
        type: "string",
        value: "N",
        description: "voices per page, 1 to 100 (default 10)",
      },
      page: { type: "string", value: "N", description: "page number, from 1 (default 1)" },
      all: { type: "boolean", description: "fetch every page" },
      self: { type: "boolean", description: "only voices you own" },
      title: { type: "string", value: "TEXT", description: "filter by title" },
      tag: { type: "string", value: "TAG", multiple: true, description: "filter by tag" },
      json,
      ...connectionOptions,
    },
    examples: ["fishaudio voices list --self", "fishaudio voices list --tag english --all --json"],
  },
  async run({ values }, ctx) {
    const v = verbosity(values);
    const pageSize = number(values, "page-size", { min: 1, max: 100, integer: true }) ?? 10;
    const page = number(values, "page", { min: 1, integer: true });
    const all = flag(values, "all");
    if (all && page !== undefined) throw new CliError("--all fetches every page; drop --page");
    const tags = list(values, "tag");
    const title = str(values, "title");
    const query: VoiceListParams & { pageNumber: number } = {
      pageSize,
      pageNumber: page ?? 1,
      ...(title !== undefined ? { title } : {}),
      ...(tags.length ? { tags } : {}),
      ...(flag(values, "self") ? { selfOnly: true } : {}),
    };
    const { client } = await connect(values, ctx);
    const pages = client.voices.list(query, { signal: ctx.signal });
    let total: number;
    let items: Voice[];
    if (all) {
      items = [];
      for await (const voice of pages) items.push(voice);
      total = items.length;
    } else {
      ({ total, items } = await pages);
    }
    if (v.json) return printJson({ total, items });
    if (items.length === 0) {
      process.stdout.write("No voices found.\n");
      return;
    }
    process.stdout.write(
      table(
        ["ID", "TITLE", "STATE", "VISIBILITY", "LANGUAGES", "TAGS"],
        items.map((voice) => [
          voice.id,
          voice.title,
          voice.state,
          voice.visibility,
          (voice.languages ?? []).join(","),
          (voice.tags ?? []).join(","),
        ]),
      ),
    );
    if (!all) {
      const first = (query.pageNumber - 1) * pageSize + 1;
      const last = first + items.length - 1;
      const more = last < total ? `; next: --page ${query.pageNumber + 1}` : "";
      note(v, `Voices ${first}-${last} of ${total}${more}`);
    }
  },
};

const getCommand: Command = {
  spec: {
    name: "voices get",
    usage: "ID",
    summary: "Show one voice.",
    maxPositionals: 1,
    options: { json, ...connectionOptions },
    examples: ["fishaudio voices get 802e3bc2b27e49c2995d23ef70e6ac89"],
  },
  async run({ values, positionals }, ctx) {
    const id = voiceId(positionals, "get");
    const { client } = await connect(values, ctx);
    ctx.errors.notFound = notFound(id);
    const voice = await client.voices.get(id, { signal: ctx.signal });
    if (verbosity(values).json) return printJson(voice);
    process.stdout.write(describe(voice));
  },
};

const createCommand: Command = {
  spec: {
    name: "voices create",
    usage: "",
    summary: "Clone a voice from one or more audio samples.",
    options: {
      title: { type: "string", value: "TEXT", description: "name of the voice (required)" },
      sample: {
        type: "string",
        value: "FILE",
        multiple: true,
        description: "audio sample of the voice (at least one)",
      },
      text: {
        type: "string",
        value: "TEXT",
        multiple: true,
        description: "transcript of the sample at the same position",
      },
      tag: { type: "string", value: "TAG", multiple: true, description: "tag the voice" },
      visibility: {
        type: "string",
        value: "V",
        description: "public, unlist or private (default private)",
      },
      description: { type: "string", value: "TEXT", description: "description of the voice" },
      cover: {
        type: "string",
        value: "FILE",
        description: "cover image (the cloud needs one for public voices)",
      },
      json,
      ...connectionOptions,
    },
    notes: ["Prints the new voice id on stdout (or the whole voice with --json)."],
    examples: [
      'fishaudio voices create --title "Narrator" --sample narrator.wav --text "What the sample says"',
    ],
  },
  async run({ values }, ctx) {
    const v = verbosity(values);
    const title = str(values, "title");
    if (!title?.trim()) throw new CliError('--title is required, e.g. --title "My voice"');
    const samples = list(values, "sample");
    if (samples.length === 0)
      throw new CliError("give at least one audio sample with --sample FILE");
    const texts = list(values, "text");
    if (texts.length > 0 && texts.length !== samples.length) {
      throw new CliError(
        `got ${samples.length} --sample and ${texts.length} --text: give one transcript per sample, or none`,
      );
    }
    const visibility = oneOf(values, "visibility", VISIBILITIES);
    const tags = list(values, "tag");
    const description = str(values, "description");
    const cover = str(values, "cover");
    const voices = await Promise.all(samples.map((file) => audioFile(file)));
    const coverImage = cover !== undefined ? await imageFile(cover) : undefined;
    const { client } = await connect(values, ctx);
    ctx.errors.rejected = "the server could not create the voice";
    const request: VoiceCreateParams = {
      title: title.trim(),
      voices,
      ...(texts.length ? { texts } : {}),
      ...(tags.length ? { tags } : {}),
      ...(visibility !== undefined ? { visibility } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(coverImage !== undefined ? { coverImage } : {}),
    };
    const voice = await client.voices.create(request, { signal: ctx.signal });
    if (v.json) return printJson(voice);
    process.stdout.write(`${voice.id}\n`);
    note(v, `Created voice "${voice.title}" (${voice.state}, ${voice.visibility})`);
  },
};

const updateCommand: Command = {
  spec: {
    name: "voices update",
    usage: "ID",
    summary: "Change a voice's title, description, visibility, tags or cover.",
    maxPositionals: 1,
    options: {
      title: { type: "string", value: "TEXT", description: "new title" },
      description: { type: "string", value: "TEXT", description: "new description" },
      visibility: { type: "string", value: "V", description: "public, unlist or private" },
      tag: { type: "string", value: "TAG", multiple: true, description: "replace the tags" },
      cover: { type: "string", value: "FILE", description: "new cover image" },
      json: { type: "boolean", description: "print the updated voice as JSON on stdout" },
      ...connectionOptions,
    },
    examples: ['fishaudio voices update 802e3bc2b27e49c2995d23ef70e6ac89 --title "Narrator 2"'],
  },
  async run({ values, positionals }, ctx) {
    const v = verbosity(values);
    const id = voiceId(positionals, "update");
    const changes = await updateFields(values);
    if (Object.keys(changes).length === 0) {
      throw new CliError(
        "nothing to change: give --title, --description, --visibility, --tag or --cover",
      );
    }
    const { client } = await connect(values, ctx);
    ctx.errors.notFound = notFound(id);
    await client.voices.update(id, changes, { signal: ctx.signal });
    if (v.json) return printJson(await client.voices.get(id, { signal: ctx.signal }));
    note(v, `Updated voice ${id}`);
  },
};

const deleteCommand: Command = {
  spec: {
    name: "voices delete",
    usage: "ID",
    summary: "Delete a voice you own. There is no undo.",
    maxPositionals: 1,
    options: { json, ...connectionOptions },
    examples: ["fishaudio voices delete 802e3bc2b27e49c2995d23ef70e6ac89"],
  },
  async run({ values, positionals }, ctx) {
    const v = verbosity(values);
    const id = voiceId(positionals, "delete");
    const { client } = await connect(values, ctx);
    ctx.errors.notFound = notFound(id);
    await client.voices.delete(id, { signal: ctx.signal });
    if (v.json) return printJson({ id, deleted: true });
    note(v, `Deleted voice ${id}`);
  },
};

/** The `voices` command group. */
export const voices: CommandGroup = {
  name: "voices",
  summary: "list, show, clone, design, update and delete voices",
  subcommands: {
    list: listCommand,
    get: getCommand,
    create: createCommand,
    design: designCommand,
    update: updateCommand,
    delete: deleteCommand,
  },
};

function voiceId(positionals: string[], sub: string): string {
  const id = positionals[0]?.trim();
  if (!id) throw new CliError(`which voice? usage: fishaudio voices ${sub} ID`);
  return id;
}

function notFound(id: string): string {
  return `voice "${id}" not found: see \`fishaudio voices list --self\` for your voices`;
}

async function updateFields(values: Values): Promise<VoiceUpdateParams> {
  const changes: VoiceUpdateParams = {};
  const title = str(values, "title");
  if (title !== undefined) changes.title = title;
  const description = str(values, "description");
  if (description !== undefined) changes.description = description;
  const visibility = oneOf(values, "visibility", VISIBILITIES);
  if (visibility !== undefined) changes.visibility = visibility;
  const tags = list(values, "tag");
  if (tags.length) changes.tags = tags;
  const cover = str(values, "cover");
  if (cover !== undefined) changes.coverImage = await imageFile(cover);
  return changes;
}

function describe(voice: Voice): string {
  const rows: [string, string][] = [
    ["ID", voice.id],
    ["Title", voice.title],
    ["Description", voice.description ?? ""],
    ["State", voice.state],
    ["Visibility", voice.visibility],
    ["Languages", (voice.languages ?? []).join(", ")],
    ["Tags", (voice.tags ?? []).join(", ")],
    ["Author", voice.author?.nickname ?? ""],
    ["Samples", String(voice.samples?.length ?? 0)],
    ["Uses", String(voice.taskCount ?? 0)],
    ["Created", voice.createdAt ?? ""],
    ["Updated", voice.updatedAt ?? ""],
  ];
  return rows
    .filter(([, value]) => value !== "")
    .map(([key, value]) => `${`${key}:`.padEnd(13)}${value}`)
    .join("\n")
    .concat("\n");
}
