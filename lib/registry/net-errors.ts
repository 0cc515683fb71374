/**
 * Classification of transport failures (what is TLS, what is worth retrying) and the retry
 * schedule: jittered exponential backoff that honours `Retry-After`.
 */
import { REGISTRY_RETRY } from '../core/defaults.js';
import { RegistryError, type RegistryErrorCode } from './errors.js';

/** Retry schedule. All durations in milliseconds. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 4). */
  readonly retries: number;
  /** First backoff step (default 200). */
  readonly baseMs: number;
  /** Largest backoff step (default 10 000). */
  readonly maxMs: number;
  /** Largest `Retry-After` honoured (default 3 × maxMs). */
  readonly maxRetryAfterMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ retries: 4, ...REGISTRY_RETRY });

/** HTTP statuses that are retried. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** Certificate and handshake failures: reported as TLS, never retried. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_TLS_HANDSHAKE_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_CLOSED']);
/** Connection refused or unreachable: a dead host, retried at most once. */
const REFUSED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The most specific `code` in an error's cause chain. */
export function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_REQ_RETRY') {
      if (TLS_CODES.has(code) || TIMEOUT_CODES.has(code) || RESET_CODES.has(code) || REFUSED_CODES.has(code)) {
        return code;
      }
      if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return code;
    }
    e = (e as { cause?: unknown }).cause;
  }
  const top = (err as { code?: unknown } | null)?.code;
  return typeof top === 'string' ? top : undefined;
}

/** How a transport failure is reported and whether it is retried. */
export interface FailureClass {
  readonly code: RegistryErrorCode;
  /** 0: never retry; 1: retry once; Infinity: as often as the policy allows. */
  readonly maxRetries: number;
  readonly detail: string;
}

/** Classifies an exception thrown while sending a request or reading its body. */
export function classifyFailure(err: unknown): FailureClass {
  const code = errorCode(err) ?? '';
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || name === 'TimeoutError' || code === 'UND_ERR_ABORTED') {
    return { code: 'TIMEOUT', maxRetries: 0, detail: 'deadline exceeded' };
  }
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return { code: 'TLS', maxRetries: 0, detail: code };
  }
  if (TIMEOUT_CODES.has(code)) return { code: 'TIMEOUT', maxRetries: Infinity, detail: code };
  if (RESET_CODES.has(code)) return { code: 'NETWORK', maxRetries: Infinity, detail: code };
  if (REFUSED_CODES.has(code)) return { code: 'NETWORK', maxRetries: 1, detail: code };
  return { code: 'NETWORK', maxRetries: 0, detail: code || 'request failed' };
}

/** True for failures at the connection or TLS level (where `--tls-verify=false` tries plain HTTP). */
export function isConnectionLevel(err: unknown): boolean {
  return err instanceof RegistryError && err.status === undefined && (err.code === 'TLS' || err.code === 'NETWORK');
}

/** `Retry-After` (delta seconds or HTTP date) in milliseconds from `now`; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Delay before retry number `attempt` (0-based): `Retry-After` when given (capped), else
 * `min(maxMs, baseMs·2^attempt)` with jitter in [50 %, 100 %].
 */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined, random: () => number): number {
  if (retryAfterMs !== undefined) {
    return Math.min(retryAfterMs, policy.maxRetryAfterMs ?? policy.maxMs * 3);
  }
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(step * (0.5 + random() / 2));
}

/** Docker Hub `ratelimit-remaining: 76;w=21600` → 76. */
export function parseRateLimitRemaining(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+)/.exec(value);
  return m ? Number(m[1]) : undefined;
}
