/**
 * The registry client's error family. Every obstacle that is not a proven absence ends here.
 *
 * Codes AUTH, TLS, NETWORK, RATE_LIMITED, MALFORMED, TIMEOUT and NOT_ALLOWED are the report's
 * `ErrorCode`s, one to one. NOT_ALLOWED: the request was refused by the registry allowlist or an
 * SSRF rule (token realm or redirect resolving to a private address) before it was sent.
 */
import { MirrorValidateError } from '../core/errors.js';
import type { ErrorCode } from '../core/types.js';

/** The report's ERROR codes a registry request can end in (all but the pipeline's own). */
export type RegistryErrorCode = Exclude<ErrorCode, 'SOURCE_ERROR' | 'NO_RESULT'>;

export interface RegistryErrorOptions {
  /** Registry name (as in the image reference) the request was for. */
  readonly registry: string;
  /** HTTP status of the last response, when there was one. */
  readonly status?: number;
  readonly cause?: unknown;
}

/** A failed registry operation. The message is one line and never carries secrets. */
export class RegistryError extends MirrorValidateError<RegistryErrorCode> {
  readonly registry: string;
  readonly status?: number;

  constructor(code: RegistryErrorCode, message: string, options: RegistryErrorOptions) {
    super(code, oneLine(message), { cause: options.cause });
    this.registry = options.registry;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** Query parameters that are safe (and useful) to show in traces and messages. */
const SAFE_QUERY_KEYS = new Set(['service', 'scope', 'n', 'last']);

/**
 * Renders a URL for logs and messages: userinfo dropped, query values other than
 * `service`/`scope`/`n`/`last` replaced by `REDACTED` (presigned CDN URLs carry signatures).
 */
export function sanitizeUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(input.toString());
  } catch {
    return '<invalid url>';
  }
  url.username = '';
  url.password = '';
  url.hash = '';
  const query: string[] = [];
  for (const [key, value] of url.searchParams) {
    const shown = SAFE_QUERY_KEYS.has(key.toLowerCase()) ? value : 'REDACTED';
    query.push(`${encodeURIComponent(key)}=${encodeURIComponent(shown)}`);
  }
  url.search = '';
  return query.length > 0 ? `${url.toString()}?${query.join('&')}` : url.toString();
}

/** Collapses whitespace to single spaces and bounds the length (registry error text is untrusted). */
export function oneLine(text: string, max = 500): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we strip
  const flat = text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** One `{"errors":[…]}` entry of a registry error body. */
export interface RegistryDiagnostic {
  readonly code: string;
  readonly message: string;
}

/** Parses a distribution error body; returns [] for anything else (HTML, empty, garbage). */
export function parseErrorBody(body: Uint8Array | undefined): RegistryDiagnostic[] {
  if (!body || body.length === 0) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    const errors = (parsed as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return [];
    return errors.flatMap((e: unknown) => {
      if (typeof e !== 'object' || e === null) return [];
      const { code, message } = e as { code?: unknown; message?: unknown };
      if (typeof code !== 'string') return [];
      return [{ code: code.toUpperCase(), message: typeof message === 'string' ? message : '' }];
    });
  } catch {
    return [];
  }
}

/** `CODE: message; CODE2: message2`, bounded, for error messages. */
export function describeDiagnostics(diags: readonly RegistryDiagnostic[]): string {
  return oneLine(diags.map((d) => (d.message ? `${d.code}: ${d.message}` : d.code)).join('; '), 200);
}
