/**
 * In-memory ObjectStore with S3 semantics: byte copies in and out, `ifNoneMatch` create-only
 * puts (atomic: JavaScript runs one put at a time), lexicographic listing by UTF-8 bytes.
 * Used by tests and by anything that wants a throwaway bucket.
 */
import type { ObjectInfo, ObjectStore, PutOptions } from '../../ports.js';
import { assertValidKey, compareKeys, toBytes } from '../object-key.js';

interface Entry {
  readonly bytes: Uint8Array;
  readonly metadata: Readonly<Record<string, string>>;
  readonly contentType?: string;
  readonly lastModified: Date;
}

export class MemoryStore implements ObjectStore {
  private readonly objects = new Map<string, Entry>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async get(key: string): Promise<Uint8Array | null> {
    assertValidKey(key);
    const e = this.objects.get(key);
    return e ? new Uint8Array(e.bytes) : null;
  }

  async getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    const bytes = await this.get(key);
    if (!bytes) return null;
    return (async function* chunks() {
      const size = 64 * 1024;
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    })();
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    const e = this.objects.get(key);
    return e ? { key, size: e.bytes.length, metadata: { ...e.metadata }, lastModified: e.lastModified } : null;
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<boolean> {
    assertValidKey(key);
    if (options.ifNoneMatch && this.objects.has(key)) return false;
    this.objects.set(key, {
      bytes: toBytes(body),
      metadata: { ...(options.metadata ?? {}) },
      contentType: options.contentType,
      lastModified: this.now(),
    });
    return true;
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    this.objects.delete(key);
  }

  async *list(prefix: string): AsyncIterable<string> {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort(compareKeys);
    for (const k of keys) {
      if (this.objects.has(k)) yield k;
    }
  }

  /** Number of objects (tests). */
  size(): number {
    return this.objects.size;
  }
}
