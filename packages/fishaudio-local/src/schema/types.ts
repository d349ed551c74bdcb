/** A JSON Schema (2020-12 dialect, as OpenAPI 3.1 uses it), kept as plain data. */
export type JsonSchema = { [keyword: string]: unknown };

/** What the server keeps of one operation of the published document. */
export interface OperationSchemas {
  /** The query parameters as one object schema (each parameter a property). */
  query: JsonSchema;
  /** Request body schema by content type. */
  body: Record<string, JsonSchema>;
  /** JSON response schema by status code. */
  responses: Record<string, JsonSchema>;
}

/** The part of the service's openapi.json the server implements (src/schema/openapi.generated.ts). */
export interface OpenApiSubset {
  $id: string;
  info: { title?: string; version?: string };
  /** By `"<method> <path>"`, e.g. `"post /v1/tts"` (the route table's `operation`). */
  operations: Record<string, OperationSchemas>;
  components: { schemas: Record<string, JsonSchema> };
}
