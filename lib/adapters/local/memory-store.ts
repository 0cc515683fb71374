/**
 * In-memory ObjectStore with S3 semantics: byte copies in and out, `ifNoneMatch` create-only
 * puts (atomic: JavaScript runs one put at a time), lexicographic listing by UTF-8 bytes.
 * Used by tests and by anything that wants a throwaway bucket.
 */
import type { ListOptions, ObjectInfo, ObjectStore, ObjectWriter, PutOptions, WriteOptions } from '../../ports.js';
import { AdapterError } from '../errors.js';
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

  openWriter(key: string, options: WriteOptions = {}): ObjectWriter {
    assertValidKey(key);
    let chunks: Uint8Array[] | null = [];
    const open = (): Uint8Array[] => {
      if (!chunks) throw new AdapterError('WRITER_CLOSED', `writer of ${JSON.stringify(key)} is closed`);
      return chunks;
    };
    return {
      write: async (chunk) => void open().push(toBytes(chunk)),
      close: async () => {
        const body = Buffer.concat(open());
        chunks = null;
        await this.put(key, body, options);
      },
      abort: async () => void (chunks = null),
    };
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    const after = options.startAfter;
    const keys = [...this.objects.keys()]
      .filter((k) => k.startsWith(prefix) && (after === undefined || compareKeys(k, after) > 0)).sort(compareKeys);
    for (const k of keys) {
      if (this.objects.has(k)) yield k;
    }
  }

  /** Number of objects (tests). */
  size(): number {
    return this.objects.size;
  }
}
