/**
 * Proves responses against the published schema: every JSON answer an integration test receives
 * through `startTestServer().call` (and the fault tests' raw requests) is checked here against the
 * response definition of its operation and status in src/schema/openapi.generated.ts, exactly as
 * published (no leniency: the server may accept more than the schema, never answer less). Errors
 * must be exactly `{status, message}`.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { matchHttp, normalPath } from "../../src/routes/dispatch.js";
import { OPENAPI } from "../../src/schema/openapi.generated.js";

const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i);
ajv.addFormat("binary", true);
ajv.addSchema(OPENAPI as unknown as Record<string, unknown>, "openapi");

const ERROR_SCHEMA = {
  type: "object",
  properties: { status: { type: "integer" }, message: { type: "string", minLength: 1 } },
  required: ["status", "message"],
  additionalProperties: false,
};
const validateError = ajv.compile(ERROR_SCHEMA);

const compiled = new Map<string, ValidateFunction>();
function responseValidator(operation: string, status: number): ValidateFunction | undefined {
  const schema = OPENAPI.operations[operation]?.responses[String(status)];
  if (!schema) return undefined;
  const key = `${operation} ${status}`;
  let validate = compiled.get(key);
  if (!validate) {
    const pointer = ["operations", operation, "responses", String(status)]
      .map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1"))
      .join("/");
    validate = ajv.compile({ $ref: `openapi#/${pointer}` });
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * Throws when a JSON response does not match what the published schema says `method path` answers
 * with `status` (errors: exactly `{status, message}` with the HTTP status).
 * @example assertResponseMatchesSchema("GET", "/model", 200, await res.clone().json());
 */
export function assertResponseMatchesSchema(
  method: string,
  path: string,
  status: number,
  body: unknown,
): void {
  const where = `${method} ${path} → ${status}`;
  if (status >= 400) {
    if (!validateError(body)) {
      throw new Error(`${where}: not a {status, message} error: ${JSON.stringify(body)}`);
    }
    if ((body as { status: number }).status !== status) {
      throw new Error(`${where}: error body says status ${(body as { status: number }).status}`);
    }
    return;
  }
  let operation: string | null = null;
  try {
    const match = matchHttp(method, normalPath(new URL(path, "http://localhost")));
    if (match.kind === "route") operation = match.route.operation;
  } catch {
    // Not a route of the table: nothing to compare with.
  }
  if (!operation) return;
  const validate = responseValidator(operation, status);
  if (!validate) return;
  if (!validate(body)) {
    const problems = (validate.errors ?? [])
      .map((e) => `${e.instancePath || "/"} ${e.message}`)
      .join("; ");
    throw new Error(`${where}: response does not match the schema of ${operation}: ${problems}`);
  }
}

/**
 * Checks a fetch Response (when it is JSON) without consuming it.
 * @example const res = await checkedResponse("GET", "/model", await fetch(url));
 */
export async function checkedResponse(
  method: string,
  path: string,
  res: Response,
): Promise<Response> {
  if (method === "HEAD") return res;
  if (!(res.headers.get("content-type") ?? "").includes("application/json")) return res;
  const body = await res.clone().json();
  assertResponseMatchesSchema(method, path, res.status, body);
  return res;
}
