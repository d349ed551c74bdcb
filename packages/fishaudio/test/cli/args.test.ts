import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CommandSpec, helpText, list, number, oneOf, parse } from "../../src/cli/args.js";
import { CliError } from "../../src/cli/errors.js";

const spec: CommandSpec = {
  name: "demo",
  usage: "[TEXT]",
  summary: "A demo command.",
  maxPositionals: 1,
  options: {
    output: { type: "string", short: "o", value: "FILE", description: "where to write" },
    tag: { type: "string", multiple: true, description: "a tag" },
    play: { type: "boolean", description: "play it" },
  },
  examples: ["fishaudio demo hi -o x"],
};

function usageError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof CliError, "a CliError");
    assert.equal(error.exitCode, 2);
    assert.match(error.message, pattern);
    return true;
  });
}

describe("parse", () => {
  it("reads options, short aliases, repeats and the positional", () => {
    const { values, positionals } = parse(spec, [
      "hi",
      "-o",
      "x.mp3",
      "--tag",
      "a",
      "--tag=b",
      "-q",
    ]);
    assert.deepEqual(positionals, ["hi"]);
    assert.equal(values.output, "x.mp3");
    assert.deepEqual(list(values, "tag"), ["a", "b"]);
    assert.equal(values.quiet, true);
  });

  it("names an unknown option and points at --help", () => {
    usageError(
      () => parse(spec, ["--colour"]),
      /unknown option --colour; see `fishaudio demo --help`/,
    );
  });

  it("says which option lacks its value", () => {
    usageError(() => parse(spec, ["-o"]), /option --output needs a value/);
    usageError(
      () => parse(spec, ["--output", "-x"]),
      /--output needs a value; write --output=VALUE/,
    );
  });

  it("rejects extra positionals with a quoting hint", () => {
    usageError(() => parse(spec, ["hello", "world"]), /unexpected argument "world".*quote/);
  });

  it("lets --help through even with extra positionals", () => {
    assert.equal(parse(spec, ["a", "b", "--help"]).values.help, true);
  });
});

describe("number and oneOf", () => {
  it("parses numbers in range", () => {
    assert.equal(number({ speed: "1.5" }, "speed", { min: 0.5, max: 2 }), 1.5);
    assert.equal(number({}, "speed"), undefined);
  });

  it("rejects out-of-range, non-numeric and fractional values with the option name", () => {
    usageError(
      () => number({ speed: "3" }, "speed", { min: 0.5, max: 2 }),
      /--speed must be a number from 0.5 to 2, got "3"/,
    );
    usageError(() => number({ speed: "fast" }, "speed"), /--speed must be a number, got "fast"/);
    usageError(
      () => number({ page: "1.5" }, "page", { min: 1, integer: true }),
      /--page must be a whole number of at least 1/,
    );
    usageError(() => number({ page: "" }, "page"), /--page must be a number/);
  });

  it("accepts only listed choices", () => {
    assert.equal(oneOf({ format: "wav" }, "format", ["mp3", "wav"]), "wav");
    usageError(
      () => oneOf({ format: "flac" }, "format", ["mp3", "wav"]),
      /--format must be one of mp3, wav, got "flac"/,
    );
  });
});

describe("helpText", () => {
  it("lists usage, every option (with --quiet and --help) and the examples", () => {
    const text = helpText(spec);
    assert.match(text, /^Usage: fishaudio demo \[TEXT\] \[options\]\n/);
    for (const option of [
      "-o, --output FILE",
      "--tag VALUE",
      "--play",
      "-q, --quiet",
      "-h, --help",
    ]) {
      assert.ok(text.includes(option), `mentions ${option}`);
    }
    assert.match(text, /a tag \(repeatable\)/);
    assert.match(text, /Examples:\n {2}fishaudio demo hi -o x\n$/);
  });
});
