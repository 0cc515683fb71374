/**
 * Fault rules of the test fault proxy (fault-proxy.ts): which requests get which fault, decided
 * by counters or by a seeded hash so a run is reproducible. No vitest imports.
 */

/** One injected misbehaviour. */
export type Fault =
  /** Answer this status (429, 500, 502, 503, …) without contacting the registry. */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string }
  /** Destroy the client connection without answering. */
  | { readonly kind: 'reset' }
  /** Never answer (until the client gives up or the proxy closes). */
  | { readonly kind: 'hang' }
  /** Forward, then trickle the body `chunkBytes` at a time, `delayMs` apart. */
  | { readonly kind: 'slow'; readonly chunkBytes?: number; readonly delayMs?: number }
  /** Forward with a Content-Length larger than the bytes sent, then destroy the connection. */
  | { readonly kind: 'truncate' }
  /** 200 with a body that is not JSON (and no Docker-Content-Digest). */
  | { readonly kind: 'invalidJson' }
  /** Serve `body` (default: the real body re-indented) with the original Docker-Content-Digest. */
  | { readonly kind: 'wrongDigest'; readonly body?: Uint8Array }
  /** A `bytes`-long (default 5 MiB) JSON manifest; `chunked`: without Content-Length. */
  | { readonly kind: 'oversize'; readonly bytes?: number; readonly chunked?: boolean }
  /** Replace the Content-Type (the body's mediaType then disagrees). */
  | { readonly kind: 'contentType'; readonly contentType: string }
  /** `hops` same-origin 307s before the real answer. */
  | { readonly kind: 'redirects'; readonly hops: number }
  /** 307 to a hop that redirects back to the original URL. */
  | { readonly kind: 'redirectLoop' }
  /** 307 to the proxy's second listener (another origin), which records Authorization. */
  | { readonly kind: 'crossHost' }
  /** Forward, rewriting the `realm` of any WWW-Authenticate challenge. */
  | { readonly kind: 'realm'; readonly realm: string };

/** When to inject `fault`. Without `times` and `probability` it applies to every match. */
export interface FaultRule {
  /** `GET`, `HEAD`, …; any method when absent. */
  readonly method?: string;
  readonly path: RegExp;
  readonly fault: Fault;
  /** Inject into the first `times` matching requests only. */
  readonly times?: number;
  /** Inject with this probability (seeded, reproducible). */
  readonly probability?: number;
  /**
   * A fault a retry gets through: never injected twice in a row into the same method and path,
   * nor twice into it within {@link TRANSIENT_QUIET_MS}. Concurrent lines share URLs, so "in a
   * row" alone let one line's retries meet another fault each time the other lines' requests
   * came between them; a line's retry comes within milliseconds (test backoff is 5-20 ms), well
   * inside the quiet time.
   */
  readonly transient?: boolean;
}

/** After a transient fault, the same method and path is not faulted again for this long. */
export const TRANSIENT_QUIET_MS = 250;

/** FNV-1a, then a mulberry32 round: a uniform number in [0, 1) for `text`. */
export function seededUnit(seed: number, text: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  let t = (h + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * Chooses the fault of each request. The probability draw is a hash of the seed, the rule, the
 * method and path and how often that method and path was seen: independent of timing for any
 * one URL's sequence of requests.
 */
export class RuleBook {
  private readonly used: number[];
  private readonly seen = new Map<string, number>();
  private readonly lastFaulted = new Set<string>();
  private readonly faultedAt = new Map<string, number>();

  constructor(private rules: readonly FaultRule[], private readonly seed: number, private readonly now: () => number = Date.now) {
    this.used = rules.map(() => 0);
  }

  /** Replace the rules (counters restart). */
  set(rules: readonly FaultRule[]): void {
    this.rules = rules;
    this.used.length = 0;
    this.used.push(...rules.map(() => 0));
    this.seen.clear();
    this.lastFaulted.clear();
    this.faultedAt.clear();
  }

  /** The fault for this request, or undefined to forward it untouched. */
  pick(method: string, path: string): Fault | undefined {
    const key = `${method} ${path}`;
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    const wasFaulted = this.lastFaulted.delete(key);
    const quiet = this.now() - (this.faultedAt.get(key) ?? -Infinity) < TRANSIENT_QUIET_MS;
    for (const [i, rule] of this.rules.entries()) {
      if (rule.method !== undefined && rule.method !== method) continue;
      if (!rule.path.test(path)) continue;
      if (rule.transient && (wasFaulted || quiet)) continue;
      if (rule.times !== undefined && (this.used[i] ?? 0) >= rule.times) continue;
      if (rule.probability !== undefined && seededUnit(this.seed, `${i}|${key}|${n}`) >= rule.probability) continue;
      this.used[i] = (this.used[i] ?? 0) + 1;
      this.lastFaulted.add(key);
      this.faultedAt.set(key, this.now());
      return rule.fault;
    }
    return undefined;
  }
}

/** Request kind for the counters: ping (`/v2/`), manifest, blob, token or other. */
export function requestKind(path: string): 'ping' | 'manifest' | 'blob' | 'token' | 'other' {
  const p = path.split('?')[0] ?? '';
  if (p === '/v2/' || p === '/v2') return 'ping';
  if (p.includes('/manifests/')) return 'manifest';
  if (p.includes('/blobs/')) return 'blob';
  if (p.endsWith('/token')) return 'token';
  return 'other';
}
