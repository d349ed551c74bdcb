/**
 * Request validation against the published schema (openapi.generated.ts) with Ajv, after the
 * local server's documented leniencies (leniency.ts). A failure is a 422 whose message names the
 * field and says what it must be. The TTS request's validator is precompiled
 * (precompiled.generated.ts, standalone Ajv code): a one-shot `tts --local` command then loads
 * and compiles no Ajv at all; every other schema is compiled on first use.
 */
import { createRequire } from "node:module";
import type { Ajv2020, ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import { HttpError } from "../http/errors.js";
import { fileField } from "../http/fields.js";
import type { FieldBag } from "../http/forms.js";
import { LENIENT_MESSAGES, lenientSchemas } from "./leniency.js";
import { PRECOMPILED } from "./precompiled.generated.js";
import type { JsonSchema, OpenApiSubset } from "./types.js";

const require = createRequire(import.meta.url);
let document: OpenApiSubset | undefined;
/** The schemas with the leniencies applied, made on first use. */
const DOCUMENT = (): OpenApiSubset => {
  document ??= lenientSchemas();
  return document;
};

/** The two ways a value is checked: bodies keep their types, query strings are coerced. */
export type ValidatorKind = "strict" | "coercing";

/**
 * An Ajv instance with the server's schema document and options (also what precompiles
 * precompiled.generated.ts, see test/schema/precompiled.test.ts).
 * @example const validate = createAjv("strict").compile({ $ref: "openapi#/components/schemas/TTSRequest" });
 */
export function createAjv(kind: ValidatorKind, options: { source?: boolean } = {}): Ajv2020 {
  // Loaded on first use: a TTS request is checked by precompiled code and never needs Ajv.
  const { Ajv2020: Ajv, _ } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  // verbose: errors carry their schema, so a range error can name both ends of the range.
  // validateSchema: false because checking the document against the JSON Schema meta-schema costs
  // 0.3-0.5 s of every start (a one-shot CLI command is about 1 s); a test checks it once instead.
  const ajv = new Ajv({
    allErrors: false,
    strict: false,
    verbose: true,
    coerceTypes: kind === "coercing",
    validateSchema: false,
    ...(options.source ? { code: { source: true, esm: true } } : {}),
  });
  // Bytes arrive as msgpack bin, a file part, or base64 text in JSON: the body decoders turn
  // each into a Uint8Array first (http/fields.ts), so the schema's binary strings are bytes here.
  ajv.addKeyword({
    keyword: "bytes",
    schemaType: "boolean",
    code: (cxt) => cxt.fail(_`!(${cxt.data} instanceof Uint8Array)`),
  });
  ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i);
  ajv.addSchema(DOCUMENT() as unknown as JsonSchema, "openapi");
  return ajv;
}

const engines = new Map<ValidatorKind, Ajv2020>();

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

const compiled = new Map<string, ValidateFunction>();
/** The validator of `ref`: precompiled when it is in PRECOMPILED, else compiled on first use. */
function validatorFor(kind: ValidatorKind, ref: string): ValidateFunction {
  const key = `${kind} ${ref}`;
  let validate = compiled.get(key) ?? (PRECOMPILED[key] as ValidateFunction | undefined);
  if (!validate) {
    let engine = engines.get(kind);
    if (!engine) {
      engine = createAjv(kind);
      engines.set(kind, engine);
    }
    validate = engine.compile({ $ref: ref });
  }
  compiled.set(key, validate);
  return validate;
}

/** The schema ref of an operation's request body for a content type. */
function bodyRef(operation: string, contentType: string): string {
  return `openapi#/${pointer("operations", operation, "body", contentType)}`;
}

/**
 * A decoded body's fields as the operation's request schema types them, validated: nil means
 * "not given", binary fields are bytes (`binary`, decoded per encoding by fileField), a field sent
 * more than once is a list, and booleans may be sent as text. Throws 422 naming the first bad field.
 * @example const body = validateFields("post /v1/asr", bag, ["audio"]);
 */
export function validateFields<T>(operation: string, bag: FieldBag, binary: readonly string[]): T {
  const bodies = DOCUMENT().operations[operation]?.body ?? {};
  const contentType =
    Object.keys(bodies).find((type) =>
      bag.kind === "form" ? type.startsWith("multipart/") : type.endsWith("msgpack"),
    ) ?? Object.keys(bodies)[0]!;
  const properties =
    (bodies[contentType] as { properties?: Record<string, JsonSchema> }).properties ?? {};
  const body: Record<string, unknown> = {};
  for (const name of bag.fields.keys()) {
    const values = binary.includes(name)
      ? fileField(bag, name)
      : (bag.fields.get(name) ?? []).filter((v) => v !== null && v !== undefined);
    if (values.length === 0) continue;
    const property = properties[name];
    const typed = property?.type === "boolean" ? values.map(lenientBoolean) : values;
    body[name] = typed.length === 1 ? typed[0] : typed;
  }
  const validate = validatorFor("strict", bodyRef(operation, contentType));
  if (!validate(body)) throw new HttpError(422, describe(validate.errors ?? [], body));
  return body as T;
}

/**
 * Validates any value against a named component schema (e.g. "TTSRequest").
 * @example validateComponent("TTSRequest", request);
 */
export function validateComponent(name: string, value: unknown): void {
  const validate = validatorFor("strict", `openapi#/${pointer("components", "schemas", name)}`);
  if (!validate(value)) throw new HttpError(422, describe(validate.errors ?? [], value));
}

/**
 * The query parameters of `url` as the operation's schema types them ("10" → 10, "true" →
 * true, repeated → list); 422 naming the first bad parameter.
 * @example const query = validateQuery("get /model", url);
 */
export function validateQuery(operation: string, url: URL): Record<string, unknown> {
  const schema = DOCUMENT().operations[operation]?.query as
    | { properties?: Record<string, JsonSchema> }
    | undefined;
  const query: Record<string, unknown> = {};
  for (const name of Object.keys(schema?.properties ?? {})) {
    // An empty value means "not given", as nil does in bodies.
    const values = url.searchParams.getAll(name).filter((v) => v !== "");
    if (values.length === 0) continue;
    const property = schema!.properties![name]!;
    query[name] = acceptsList(property)
      ? values
      : property.type === "boolean"
        ? lenientBoolean(values[0])
        : values[0];
  }
  const validate = validatorFor(
    "coercing",
    `openapi#/${pointer("operations", operation, "query")}`,
  );
  if (!validate(query)) throw new HttpError(422, describe(validate.errors ?? [], query, "query"));
  return query;
}

function acceptsList(schema: JsonSchema): boolean {
  if (schema.type === "array") return true;
  return ((schema.anyOf as JsonSchema[] | undefined) ?? []).some((s) => s.type === "array");
}

/** FastAPI (the cloud) reads 1/0, yes/no and on/off as booleans, in any case, as text or numbers. */
function lenientBoolean(value: unknown): unknown {
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== "string") return value;
  const lower = value.trim().toLowerCase();
  if (["1", "yes", "on", "true"].includes(lower)) return true;
  if (["0", "no", "off", "false"].includes(lower)) return false;
  return value;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
};

function fieldName(path: string, where: "body" | "query"): string {
  const parts = path.split("/").slice(1);
  const kind = where === "query" ? "Query parameter " : "";
  if (parts.length === 0) return where === "query" ? "The query" : "The body";
  let name = parts[parts.length - 1]!;
  let rest = parts.slice(0, -1);
  // A list item is named by its list: 'references[0]'.
  while (/^\d+$/.test(name) && rest.length > 0) {
    name = `${rest[rest.length - 1]}[${name}]`;
    rest = rest.slice(0, -1);
  }
  const parent = rest.reduce(
    (acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p),
    "",
  );
  return `${kind}'${name}'${parent ? ` in '${parent}'` : ""}`;
}

function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const part of path.split("/").slice(1)) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return value;
}

function shown(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * One sentence for Ajv's errors: the deepest failing field wins (a branch of an anyOf that got
 * furthest says most); at that field a missing property or a range beats a wrong type.
 */
function describe(errors: ErrorObject[], root: unknown, where: "body" | "query" = "body"): string {
  const concrete = errors.filter((e) => !["anyOf", "oneOf", "if"].includes(e.keyword));
  const list = concrete.length > 0 ? concrete : errors;
  const depth = (e: ErrorObject) => e.instancePath.split("/").length;
  const deepest = Math.max(...list.map(depth));
  const atDeepest = list.filter((e) => depth(e) === deepest);
  const path = atDeepest[0]!.instancePath;
  const lenient = LENIENT_MESSAGES[path];
  if (lenient) return lenient;
  const name = fieldName(path, where);
  const got = valueAt(root, path);
  const specific = atDeepest.find((e) => e.keyword !== "type") ?? atDeepest[0]!;
  switch (specific.keyword) {
    case "required": {
      const missing = String(specific.params.missingProperty);
      return `${fieldName(`${path}/${missing}`, where)} is required`;
    }
    case "type": {
      const types = [
        ...new Set(
          atDeepest
            .filter((e) => e.keyword === "type")
            .flatMap((e) => String(e.params.type).split(","))
            .filter((t) => t !== "null"),
        ),
      ];
      const wanted = types.map((t) => TYPE_NAMES[t] ?? t).join(" or ");
      return `${name} must be ${wanted}, got ${shown(got)}`;
    }
    case "enum":
    case "const": {
      const allowed = atDeepest.flatMap((e) =>
        e.keyword === "enum" ? (e.params.allowedValues as unknown[]) : [e.params.allowedValue],
      );
      return `${name} must be one of ${allowed.map((v) => (typeof v === "string" ? v : shown(v))).join(", ")}, got ${shown(got)}`;
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const parent = specific.parentSchema as JsonSchema | undefined;
      const min = parent?.minimum;
      const max = parent?.maximum;
      if (min !== undefined && max !== undefined) {
        return `${name} must be between ${min} and ${max}, got ${shown(got)}`;
      }
      return `${name} must be ${specific.keyword.endsWith("inimum") ? "at least" : "at most"} ${specific.params.limit}, got ${shown(got)}`;
    }
    case "minItems":
      return `${name} needs at least ${specific.params.limit} item(s)`;
    case "maxItems":
      return `${name} takes at most ${specific.params.limit} items, got ${(got as unknown[]).length}`;
    case "minLength":
      return `${name} must not be empty`;
    case "bytes":
      return `${name} must be binary data (msgpack bin, base64 text in JSON, or a file part)`;
    default:
      return `${name} ${specific.message ?? "is invalid"}`;
  }
}
