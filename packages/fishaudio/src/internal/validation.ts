import { ValidationError } from "../core/error.js";

/** Checks run before anything is sent; each throws ValidationError naming the field. */

export function checkString(field: string, value: unknown, { nonEmpty = false } = {}): string {
  if (typeof value !== "string") {
    throw new ValidationError(field, `must be a string, got ${describe(value)}.`);
  }
  if (nonEmpty && value.trim() === "") throw new ValidationError(field, "must not be empty.");
  return value;
}

export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new ValidationError(field, `must be true or false, got ${describe(value)}.`);
  }
  return value;
}

export function checkNumber(field: string, value: unknown, min?: number, max?: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValidationError(field, `must be a finite number, got ${describe(value)}.`);
  }
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    const range =
      max === undefined
        ? `at least ${min}`
        : min === undefined
          ? `at most ${max}`
          : `between ${min} and ${max}`;
    throw new ValidationError(field, `must be ${range}, got ${value}.`);
  }
  return value;
}

export function checkInt(field: string, value: unknown, min?: number, max?: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new ValidationError(field, `must be an integer, got ${describe(value)}.`);
  }
  return checkNumber(field, value, min, max);
}

export function checkOneOf<T extends string | number>(
  field: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value as T)) {
    const list = allowed.map((v) => JSON.stringify(v)).join(", ");
    throw new ValidationError(field, `must be one of ${list}, got ${describe(value)}.`);
  }
  return value as T;
}

export function checkArray(field: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) {
    throw new ValidationError(field, `must be an array, got ${describe(value)}.`);
  }
  return value;
}

/** A string or a list of strings (query filters that accept several values). */
export function checkStrings(field: string, value: unknown): string | string[] {
  if (Array.isArray(value)) return value.map((item, i) => checkString(`${field}[${i}]`, item));
  return checkString(field, value);
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  return `${typeof value} ${String(value)}`;
}
