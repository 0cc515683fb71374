/**
 * Coercion of raw configuration values. Values from `cdk.json` keep their JSON type; values
 * from `cdk deploy -c key=value` arrive as strings, so every reader accepts both forms:
 * numbers as `"10"`, booleans as `"true"`, lists as JSON arrays or comma-separated strings,
 * objects as JSON text.
 */
import { InfraError } from './errors.js';

function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Throws `InfraError('INVALID_CONFIG')` naming the key, the expectation and the value. */
export function invalid(key: string, expected: string, value: unknown): never {
  throw new InfraError('INVALID_CONFIG', `mirror-validate config "${key}": expected ${expected}, got ${describe(value)}`);
}

/** An optional trimmed non-empty string; `undefined`, `null` and `""` mean unset. */
export function optString(key: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return invalid(key, 'a string', value);
  const s = value.trim();
  return s === '' ? undefined : s;
}

/** A whole number in `[min, max]`, or `fallback` when unset. */
export function int(key: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    return invalid(key, `a whole number from ${min} to ${max}`, value);
  }
  return n;
}

/** A boolean (`true`/`false`, also as strings), or `fallback` when unset. */
export function bool(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return invalid(key, 'true or false', value);
}

/** A list of trimmed non-empty strings from an array, a JSON array text or a comma list. */
export function list(key: string, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  let items: unknown = value;
  if (typeof value === 'string') {
    const s = value.trim();
    items = s.startsWith('[') ? parseJson(key, s) : s.split(',');
  }
  if (!Array.isArray(items) || items.some((i) => typeof i !== 'string')) {
    return invalid(key, 'a list of strings (JSON array or comma-separated)', value);
  }
  return (items as string[]).map((i) => i.trim()).filter((i) => i.length > 0);
}

/** A JSON value given either as such or as JSON text (from `-c key='[...]'`). */
export function jsonValue(key: string, value: unknown): unknown {
  return typeof value === 'string' ? parseJson(key, value.trim()) : value;
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InfraError('INVALID_CONFIG', `mirror-validate config "${key}": not valid JSON: ${describe(text)}`, {
      cause: err,
    });
  }
}
