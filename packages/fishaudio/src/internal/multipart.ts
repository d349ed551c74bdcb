import { toBlob, type Uploadable } from "../core/uploads.js";

/** One form field: text (lists repeat the field, as the Python SDK sends them) or a file. */
export type FormField =
  | { name: string; value: string | number | boolean | readonly string[] | undefined }
  | { name: string; file: Uploadable | undefined };

/**
 * Builds a FormData in the given field order. Text fields with undefined values and empty
 * lists send nothing; booleans are `true`/`false`; files are named `upload` unless they are a
 * File with a name of their own.
 */
export async function buildForm(fields: FormField[]): Promise<FormData> {
  const form = new FormData();
  for (const field of fields) {
    if ("file" in field) {
      if (field.file === undefined) continue;
      const blob = await toBlob(field.name, field.file);
      const named = (blob as { name?: unknown }).name;
      form.append(field.name, blob, typeof named === "string" && named ? named : "upload");
    } else if (field.value !== undefined) {
      const values = Array.isArray(field.value) ? field.value : [field.value];
      for (const value of values) form.append(field.name, String(value));
    }
  }
  return form;
}

/** The same fields as application/x-www-form-urlencoded (for requests without files). */
export function buildUrlEncoded(fields: FormField[]): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of fields) {
    if ("file" in field || field.value === undefined) continue;
    const values = Array.isArray(field.value) ? field.value : [field.value];
    for (const value of values) params.append(field.name, String(value));
  }
  return params;
}
