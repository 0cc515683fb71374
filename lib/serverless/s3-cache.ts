/**
 * Content-addressed manifest cache in the pipeline bucket, under `cache/<algorithm>/<hex>`, so a
 * scheduled re-validation of an unchanged list spends no rate-limited GETs at the source
 * (SPEC §4). Entries are immutable by digest and written create-only. A cache that cannot be
 * read or written only costs requests: errors are misses, never failures. Readers re-verify
 * the digest (lib/check), so a corrupted object is a miss, never a verdict.
 */
import type { ContentCache, ObjectStore } from '../ports.js';
import { digestParts } from '../core/digest.js';

export const CACHE_PREFIX = 'cache/';
/** `cache/<algorithm>/<hex>` for a digest; null for anything else. */
export function cacheKey(digest: string): string | null {
  const d = digestParts(digest);
  return d ? `${CACHE_PREFIX}${d.algorithm}/${d.hex}` : null;
}

export class S3ContentCache implements ContentCache {
  constructor(private readonly store: ObjectStore, private readonly onError?: (err: unknown) => void) {}

  async get(digest: string): Promise<Uint8Array | null> {
    const key = cacheKey(digest);
    if (!key) return null;
    try {
      return await this.store.get(key);
    } catch (err) {
      this.onError?.(err);
      return null;
    }
  }

  async put(digest: string, bytes: Uint8Array): Promise<void> {
    const key = cacheKey(digest);
    if (!key) return;
    try {
      await this.store.put(key, bytes, { contentType: 'application/octet-stream', ifNoneMatch: true });
    } catch (err) {
      this.onError?.(err);
    }
  }
}
