/**
 * Content-addressed cache in a directory: `<dir>/<algorithm>/<hex>`. Entries are immutable, so
 * a write that races another write of the same digest is harmless (same bytes, atomic rename).
 * Readers re-verify the digest (see lib/check), so a corrupted file is a cache miss, never a verdict.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ContentCache } from '../../ports.js';
import { digestParts } from '../../core/digest.js';

export class FsContentCache implements ContentCache {
  constructor(private readonly dir: string) {}

  private path(digest: string): string | null {
    const d = digestParts(digest);
    return d ? join(this.dir, d.algorithm, d.hex) : null;
  }

  /**
   * Read synchronously: an entry is a small local file read once per image, and the promise API
   * (a FileHandle, four thread-pool round trips) costs several times the read itself.
   */
  async get(digest: string): Promise<Uint8Array | null> {
    const p = this.path(digest);
    if (!p) return null;
    try {
      return new Uint8Array(readFileSync(p));
    } catch {
      return null;
    }
  }

  async put(digest: string, bytes: Uint8Array): Promise<void> {
    const p = this.path(digest);
    if (!p) return;
    try {
      await mkdir(join(p, '..'), { recursive: true });
      const tmp = `${p}.${randomUUID()}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, p);
    } catch {
      // A cache that cannot be written only costs requests; never fail a run for it.
    }
  }
}
