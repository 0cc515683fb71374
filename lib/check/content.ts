/**
 * Content-addressed reads through the optional cache: bytes are re-verified on every cache read
 * (a corrupt entry counts as a miss), and cache failures never fail a line.
 */
import { isDigest, manifestMatches } from '../core/digest.js';
import type { ContentCache } from '../ports.js';

/** Cached bytes for `digest` when present and intact; null otherwise (including cache errors). */
export async function cacheGet(cache: ContentCache | undefined, digest: string): Promise<Uint8Array | null> {
  if (!cache || !isDigest(digest)) return null;
  try {
    const bytes = await cache.get(digest);
    return bytes && manifestMatches(bytes, digest) ? bytes : null;
  } catch {
    return null;
  }
}

/** Best-effort put of bytes already verified by the reader. */
export async function cachePut(cache: ContentCache | undefined, digest: string, bytes: Uint8Array): Promise<void> {
  if (!cache || !isDigest(digest)) return;
  try {
    await cache.put(digest, bytes);
  } catch {
    // A cache is an optimisation: losing a write costs one GET next time.
  }
}
