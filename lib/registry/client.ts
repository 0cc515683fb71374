/**
 * The registry client: one per side (source or destination) of a run. It owns the connection
 * pools, the ping/challenge cache and the token cache, which every reader it hands out shares.
 *
 * @example
 * const client = new RegistryClient({ tlsVerify: true, credentials: createCredentialResolver({ side: 'source', env }) });
 * const head = await client.reader(stats).headManifest(ref, 'latest');
 * await client.close();
 */
import type { RequestCounts } from '../core/types.js';
import type { RegistryReader, RequestStats } from '../ports.js';
import { Authenticator, type CredentialLookup } from './auth.js';
import { DEFAULT_RETRY, type RetryPolicy } from './net-errors.js';
import { HttpRegistryReader } from './reader.js';
import type { Session } from './request.js';
import { Guard, type Resolver } from './security.js';
import { Transport } from './transport.js';

export type { Credential, CredentialLookup } from './auth.js';
export { RegistryError, type RegistryErrorCode } from './errors.js';

export interface RegistryClientOptions {
  /** false: accept any certificate and fall back to plain HTTP when HTTPS fails (skopeo's `--tls-verify=false`). */
  readonly tlsVerify: boolean;
  /** Credentials per registry name; anonymous when absent or when it resolves undefined. */
  readonly credentials?: CredentialLookup;
  /** Extra CA certificate(s) (PEM), trusted in addition to Node's roots. */
  readonly ca?: string | Buffer;
  /**
   * Registries that may be contacted (`host[:port]` or `*.domain`). When set, any other
   * registry is refused (NOT_ALLOWED) before a request is made, and every connection (registry,
   * token realm, redirect target) is checked on the address it connects to: never loopback or
   * link-local, private only for hosts named explicitly (security.ts).
   */
  readonly allowlist?: readonly string[];
  /** With an allowlist: explicitly listed hosts may be on loopback (local test stands only). */
  readonly allowLoopback?: boolean;
  /** Retry schedule; defaults 4 retries, 200 ms base, 10 s cap. */
  readonly retry?: Partial<RetryPolicy>;
  /** Per-request timeout for headers and between body chunks, ms (default 30 000). */
  readonly timeoutMs?: number;
  /** Deadline of one request including its retries, ms (default 120 000). */
  readonly deadlineMs?: number;
  /** Receives request traces (`HEAD https://host/v2/r/manifests/t -> 200 (12 ms)`), secrets redacted. */
  readonly debug?: (line: string) => void;
  readonly userAgent?: string;
  /** DNS resolver of the address checks and of guarded connections (tests inject one). */
  readonly resolver?: Resolver;
  /** Test hooks for the backoff: sleep and jitter source. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export const DEFAULT_USER_AGENT = 'mirror-validate/0.1 (+undici)';

/** A fresh set of zeroed request counters. */
export function newRequestStats(): RequestStats {
  const counts: RequestCounts = {
    manifestHead: 0, manifestGet: 0, blobHead: 0, blobGet: 0, token: 0, ping: 0, tagList: 0, referrers: 0, retries: 0,
  };
  return { counts };
}

/** Registry HTTP client; see the module doc. */
export class RegistryClient {
  private readonly session: Session;

  constructor(opts: RegistryClientOptions) {
    const guard = new Guard({
      ...(opts.allowlist ? { allowlist: opts.allowlist } : {}),
      ...(opts.resolver ? { resolver: opts.resolver } : {}),
      ...(opts.allowLoopback ? { loopback: true } : {}),
    });
    const transport = new Transport({
      tlsVerify: opts.tlsVerify,
      ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
      retry: { ...DEFAULT_RETRY, ...stripUndefined(opts.retry ?? {}) },
      timeoutMs: opts.timeoutMs ?? 30_000,
      deadlineMs: opts.deadlineMs ?? 120_000,
      userAgent: opts.userAgent ?? DEFAULT_USER_AGENT,
      ...(opts.debug ? { debug: opts.debug } : {}),
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      ...(opts.random ? { random: opts.random } : {}),
      guard,
    });
    const auth = new Authenticator({
      transport, guard, tlsVerify: opts.tlsVerify,
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
    });
    this.session = { transport, auth, guard };
  }

  /**
   * A reader whose requests are counted in `stats` (a fresh set when omitted). When `signal`
   * aborts, its requests, token fetches and retry waits stop at once (the image's time limit).
   */
  reader(stats: RequestStats = newRequestStats(), signal?: AbortSignal): RegistryReader {
    return new HttpRegistryReader(this.session, stats, signal);
  }

  /** Closes pooled connections. Readers must not be used afterwards. */
  async close(): Promise<void> {
    await this.session.transport.close();
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
