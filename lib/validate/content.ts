/**
 * Content-addressed reads through the optional cache: bytes are re-verified on every cache read
 * (a corrupt entry counts as a miss), and cache failures never fail a line.
 */
import type { ContentCache } from '../ports.js';

/** `sha256:<hex>` of the bytes, with WebCrypto (a global, no I/O). */
export async function sha256Digest(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  return `sha256:${Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Cached bytes for `digest` when present and intact; null otherwise (including cache errors). */
export async function cacheGet(cache: ContentCache | undefined, digest: string): Promise<Uint8Array | null> {
  if (!cache || !digest.startsWith('sha256:')) return null;
  try {
    const bytes = await cache.get(digest);
    return bytes && (await sha256Digest(bytes)) === digest ? bytes : null;
  } catch {
    return null;
  }
}

/** Best-effort put of bytes already verified by the reader. */
export async function cachePut(cache: ContentCache | undefined, digest: string, bytes: Uint8Array): Promise<void> {
  if (!cache || !digest.startsWith('sha256:')) return;
  try {
    await cache.put(digest, bytes);
  } catch {
    // A cache is an optimisation: losing a write costs one GET next time.
  }
}
