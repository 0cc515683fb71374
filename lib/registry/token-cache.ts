/**
 * Bearer token cache keyed by (registry, scopes), with single-flight fetching: concurrent
 * callers asking for the same key share one in-flight request, so twenty workers starting on
 * the same repository fetch one token, not twenty.
 */
import { SharedFlights } from './abort.js';

/** A token and how long the server said it lives. */
export interface IssuedToken {
  readonly token: string;
  /** Seconds; already normalised (default 60, never below 60). */
  readonly expiresInSec: number;
}

interface Entry {
  readonly token: string;
  readonly expiresAt: number;
}

/** Builds the cache key of a token request. Scopes are sorted so their order does not matter. */
export function tokenKey(registry: string, scopes: readonly string[]): string {
  return `${registry.toLowerCase()}\n${[...scopes].sort().join(' ')}`;
}

/** In-memory token cache with expiry (minus `marginMs`) and single-flight. */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new SharedFlights<string>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly marginMs = 10_000,
  ) {}

  /** The cached token for `key` if it is still valid. */
  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.token;
  }

  /** Forget `key` (after the registry refused its token). */
  invalidate(key: string): void {
    this.entries.delete(key);
  }

  /**
   * The cached token, or the result of `fetch` (shared with every concurrent caller of the same
   * key). A failed fetch is not cached: the next caller tries again. A caller whose `signal`
   * aborts stops waiting; the fetch is aborted when no caller is left waiting for it.
   */
  getOrFetch(key: string, fetch: (signal: AbortSignal) => Promise<IssuedToken>, signal?: AbortSignal): Promise<string> {
    const cached = this.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    return this.inflight.run(key, signal, async (shared) => {
      const issued = await fetch(shared);
      const lifetimeMs = Math.max(issued.expiresInSec * 1000 - this.marginMs, 1000);
      this.entries.set(key, { token: issued.token, expiresAt: this.now() + lifetimeMs });
      return issued.token;
    });
  }
}
