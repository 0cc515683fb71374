/**
 * HTTP transport of the registry client, on undici: one keep-alive `Agent` (a connection pool
 * per origin, every connection checked by the guard when an allowlist is set: connector.ts),
 * manual redirects that never carry `Authorization` or a request body to another origin,
 * retries of 429/5xx/resets/timeouts with jittered backoff honouring `Retry-After`, bounded
 * bodies, request counting, redacted debug traces, and cancellation: a request's `signal`
 * aborts it, its body and its backoff at once.
 */
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent } from './undici-parts.js';
import { pause } from './abort.js';
import { guardedConnector } from './connector.js';
import type { Guard } from './security.js';
import type { RequestCounts } from '../core/types.js';
import type { RequestStats } from '../ports.js';
import { formatBytes } from './body.js';
import { exchange } from './exchange.js';
import { RegistryError, sanitizeUrl } from './errors.js';
import {
  backoffMs, classifyFailure, parseRateLimitRemaining, parseRetryAfter, RETRY_STATUSES,
  type FailureClass, type RetryPolicy,
} from './net-errors.js';

/** Error bodies are read up to this many bytes, the rest is discarded. */
export const ERROR_BODY_CAP = 64 * 1024;
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface TransportOptions {
  readonly tlsVerify: boolean;
  /** Extra trusted CA(s), added to Node's root store. */
  readonly ca?: string | Buffer;
  readonly retry: RetryPolicy;
  /** Per request: time to response headers, and between body chunks. */
  readonly timeoutMs: number;
  /** Whole `send` call, retries included. */
  readonly deadlineMs: number;
  readonly userAgent: string;
  readonly debug?: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Allowlist and address rules; with an allowlist, redirect targets and every connection are checked. */
  readonly guard?: Guard;
}

export interface HttpRequest {
  /** Registry name, for errors. */
  readonly registry: string;
  readonly method: 'GET' | 'HEAD' | 'POST';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent only to `url`'s origin, never after a redirect to another origin. */
  readonly authorization?: string;
  readonly body?: string;
  readonly kind: keyof RequestCounts;
  /** Cap for 2xx bodies; past it the read is aborted with MALFORMED. */
  readonly maxBytes: number;
  /** Noun for the too-large message ("manifest larger than 4 MiB"). */
  readonly what: string;
  /** Overrides the policy's retry count (e.g. 0 for the HTTPS probe of a fallback). */
  readonly retries?: number;
  /** Aborts the request (and its retries and backoff): the image's time limit. */
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** 2xx: the whole body (≤ maxBytes). Other statuses: at most 64 KiB of it. */
  readonly body: Uint8Array;
  /** Final URL after redirects. */
  readonly url: URL;
  /** True when a redirect led to another origin: such an answer cannot prove absence. */
  readonly crossOrigin: boolean;
}

/** First value of a header (undici lower-cases names). */
export function header(res: Pick<HttpResponse, 'headers'>, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Sends registry requests; see the module doc. */
export class Transport {
  private readonly agent: Agent;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly opts: TransportOptions) {
    const ca = opts.ca === undefined ? undefined : [...rootCertificates, opts.ca.toString()];
    // One TLS context for every connection: building one per connection (Node's default) costs
    // about as much CPU as the handshake, and registries that close after each HEAD
    // (distribution 2.8) make a connection per HEAD.
    const secureContext = createSecureContext(ca ? { ca } : {});
    const tls = { rejectUnauthorized: opts.tlsVerify, secureContext };
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      connections: 32,
      connect: opts.guard?.active ? guardedConnector(opts.guard, tls) : tls,
    });
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
  }

  /**
   * Sends `req`, following redirects and retrying transient failures. Returns the final
   * response for any non-retryable status; throws RegistryError when retries run out
   * (RATE_LIMITED for 429, NETWORK for 5xx and resets, TIMEOUT), for TLS failures and for bodies
   * over the cap.
   */
  async send(req: HttpRequest, stats: RequestStats): Promise<HttpResponse> {
    const deadline = Date.now() + this.opts.deadlineMs;
    const retries = req.retries ?? this.opts.retry.retries;
    for (let attempt = 0; ; attempt++) {
      req.signal?.throwIfAborted();
      let failure: RegistryError;
      let retryAfterMs: number | undefined;
      let allowed = retries;
      try {
        const res = await this.followRedirects(req, stats, deadline);
        if (!RETRY_STATUSES.has(res.status)) return res;
        retryAfterMs = parseRetryAfter(header(res, 'retry-after'), Date.now());
        failure = statusFailure(req, res.status);
      } catch (err) {
        if (err instanceof RegistryError) throw err; // our own verdicts (caps, loops, refusals)
        const cls = classifyFailure(err);
        failure = this.wrapFailure(req, err, cls);
        allowed = Math.min(retries, cls.maxRetries);
      }
      const delay = backoffMs(this.opts.retry, attempt, retryAfterMs, this.random);
      if (attempt >= allowed || Date.now() + delay >= deadline) throw failure;
      stats.counts.retries++;
      this.opts.debug?.(`retry ${attempt + 1}/${retries} of ${req.method} ${sanitizeUrl(req.url)} in ${delay} ms`);
      await pause(this.sleep, delay, req.signal);
    }
  }

  private wrapFailure(req: HttpRequest, err: unknown, cls: FailureClass): RegistryError {
    const where = `${req.method} ${sanitizeUrl(req.url)}`;
    const hint = this.opts.tlsVerify ? '; use --tls-verify=false for self-signed or plain-HTTP registries' : '';
    const message = cls.code === 'TLS'
      ? `${req.registry}: TLS error (${cls.detail}) on ${where}${hint}`
      : `${req.registry}: ${cls.code === 'TIMEOUT' ? 'timeout' : 'network error'} (${cls.detail}) on ${where}`;
    return new RegistryError(cls.code, message, { registry: req.registry, cause: err });
  }

  private async followRedirects(req: HttpRequest, stats: RequestStats, deadline: number): Promise<HttpResponse> {
    let url = req.url;
    let method = req.method;
    const seen = new Set<string>([url.href]);
    for (let hop = 0; ; hop++) {
      const sameOrigin = url.origin === req.url.origin;
      const role = !sameOrigin ? 'redirect target' : req.kind === 'token' ? 'token realm' : 'registry';
      const res = await this.once(req, method, url, sameOrigin ? req.authorization : undefined, stats, deadline, role);
      const location = header(res, 'location');
      if (!REDIRECT_STATUSES.has(res.status) || location === undefined) return { ...res, crossOrigin: !sameOrigin };
      const next = new URL(location, url);
      if (hop + 1 > MAX_REDIRECTS || seen.has(next.href)) {
        const why = seen.has(next.href) ? 'redirect loop' : `more than ${MAX_REDIRECTS} redirects`;
        throw new RegistryError('NETWORK', `${req.registry}: ${why} at ${sanitizeUrl(next)}`, {
          registry: req.registry, status: res.status,
        });
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new RegistryError('NETWORK', `${req.registry}: redirect to unsupported scheme ${next.protocol}`, {
          registry: req.registry, status: res.status,
        });
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) method = 'GET';
      if (next.origin !== req.url.origin) {
        if (method === 'POST') {
          // 307/308 would re-send the body (a refresh token) to another origin: never.
          throw new RegistryError('AUTH', `${req.registry}: ${role} redirected a credential-bearing POST to ${next.origin} (${res.status}); not followed`, {
            registry: req.registry, status: res.status,
          });
        }
        await this.opts.guard?.checkHost(next, req.registry, 'redirect target');
      }
      seen.add(next.href);
      url = next;
    }
  }

  /** One HTTP exchange: counted, traced, body bounded. `role` names the host in a refusal. */
  private async once(
    req: HttpRequest, method: HttpRequest['method'], url: URL, authorization: string | undefined,
    stats: RequestStats, deadline: number, role: string,
  ): Promise<Omit<HttpResponse, 'crossOrigin'>> {
    const headers: Record<string, string> = { 'user-agent': this.opts.userAgent, ...req.headers };
    if (authorization !== undefined) headers.authorization = authorization;
    stats.counts[req.kind]++;
    const started = Date.now();
    const trace = (): string => `${method} ${sanitizeUrl(url)}`;
    // The deadline bounds the wait for headers and between body chunks (exchange checks each
    // chunk too): no timer or signal of its own per request. The caller's signal cancels.
    const limit = Math.max(1, Math.min(this.opts.timeoutMs, deadline - started));
    try {
      const res = await exchange(this.agent, url, {
        method, headers, timeoutMs: limit, deadline, ...(req.signal ? { signal: req.signal } : {}),
        ...(method === 'POST' && req.body !== undefined ? { body: req.body } : {}),
        limit: (status, resHeaders) => bodyLimit(req, status, resHeaders),
      });
      const remaining = parseRateLimitRemaining(firstOf(res.headers['ratelimit-remaining']));
      if (remaining !== undefined) stats.rateLimitRemaining = remaining;
      this.opts.debug?.(`${trace()} -> ${res.status} (${Date.now() - started} ms)`);
      return { status: res.status, headers: res.headers, body: res.body, url };
    } catch (err) {
      const label = err instanceof RegistryError ? err.code : classifyFailure(err).detail;
      this.opts.debug?.(`${trace()} -> ${label} (${Date.now() - started} ms)`);
      if (err instanceof RegistryError && err.code === 'NOT_ALLOWED') {
        // The connector refused the address this connection resolved to.
        throw new RegistryError('NOT_ALLOWED', `${req.registry}: ${role} ${err.message}`, { registry: req.registry, cause: err });
      }
      throw err;
    }
  }

  /** Emits a debug line, if tracing is on. */
  debug(line: string): void {
    this.opts.debug?.(line);
  }

  /** Closes every pooled connection. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

/**
 * How much of a body is kept: 2xx bodies up to `req.maxBytes` (a larger one, declared or read,
 * is MALFORMED), other statuses their first 64 KiB (error details).
 */
function bodyLimit(req: HttpRequest, status: number, headers: HttpResponse['headers']): { max: number; over: 'truncate' | (() => Error) } {
  if (status < 200 || status >= 300) return { max: ERROR_BODY_CAP, over: 'truncate' };
  const tooLarge = (): RegistryError => new RegistryError(
    'MALFORMED', `${req.registry}: ${req.what} larger than ${formatBytes(req.maxBytes)}`, { registry: req.registry },
  );
  const declared = Number(firstOf(headers['content-length']));
  if (req.method !== 'HEAD' && Number.isFinite(declared) && declared > req.maxBytes) throw tooLarge();
  return { max: req.maxBytes, over: tooLarge };
}

function firstOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function statusFailure(req: HttpRequest, status: number): RegistryError {
  const what = status === 429 ? 'rate limited (429)' : `server error (${status})`;
  return new RegistryError(status === 429 ? 'RATE_LIMITED' : 'NETWORK', `${req.registry}: ${what} on ${req.method} ${sanitizeUrl(req.url)}`, {
    registry: req.registry, status,
  });
}
