/**
 * Turning exceptions into ERROR verdicts: which side failed, which stable code, and a message
 * that never carries credentials.
 */
import { isCodedError } from '../core/errors.js';
import { isErrorCode, type ErrorCode } from '../core/types.js';

export type Side = 'source' | 'destination';

/** An exception raised while talking to one side. Internal to lib/check. */
export class SideError extends Error {
  readonly side: Side;

  constructor(side: Side, cause: unknown) {
    super(`${side} failed`, { cause });
    this.side = side;
  }
}

/** Runs `fn`, tagging any exception with the side it came from. */
export async function onSide<T>(side: Side, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw err instanceof SideError ? err : new SideError(side, err);
  }
}

/**
 * The ERROR code for an exception: its own `code` when that is an ErrorCode; an unsupported
 * manifest type is MALFORMED; uncoded aborts and timeouts are TIMEOUT, JSON syntax errors
 * MALFORMED, anything else NETWORK (fail-closed: never PASS, never "does not exist").
 */
export function errorCodeOf(err: unknown): ErrorCode {
  if (isCodedError(err)) {
    if (isErrorCode(err.code) && err.code !== 'NO_RESULT') return err.code;
    if (err.code === 'UNSUPPORTED_MEDIA_TYPE') return 'MALFORMED';
  }
  if (err instanceof Error) {
    if (err.name === 'AbortError' || err.name === 'TimeoutError') return 'TIMEOUT';
    if (err instanceof SyntaxError) return 'MALFORMED';
  }
  return 'NETWORK';
}

/** `<side>: <message>`, with anything that looks like a credential removed. */
export function sideMessage(side: Side, err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return `${side}: ${redact(text) || 'unknown error'}`;
}

/** Removes Authorization values, URL user-info and password/token query or JSON fields. */
export function redact(text: string): string {
  return text
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [REDACTED]')
    .replace(/(\/\/)[^/@\s:]+:[^/@\s]*@/g, '$1[REDACTED]@')
    .replace(/("?(?:password|passwd|secret|token|access_token|refresh_token)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, '$1[REDACTED]');
}
