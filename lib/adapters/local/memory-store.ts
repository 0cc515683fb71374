/**
 * In-memory ObjectStore with S3 semantics: byte copies in and out, conditional puts and copies
 * (atomic: JavaScript runs one of them at a time, with no await between check and write), MD5
 * ETags, lexicographic listing by UTF-8 bytes. The bucket of a local run without `--work-dir`,
 * and of tests.
 */
import type { CopyOptions, CopyOutcome, ListOptions, ObjectInfo, ObjectStore, ObjectWriter, PutOptions, WriteOptions } from '../../ports.js';
import { AdapterError } from '../errors.js';
import { assertValidKey, compareKeys, etagOf, folderOf, toBytes } from '../object-key.js';

interface Entry {
  readonly bytes: Uint8Array;
  /** Computed on first use (head, a condition): most objects of a run are never asked for it. */
  etag?: string;
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
    if (!e) return null;
    return { key, size: e.bytes.length, metadata: { ...e.metadata }, lastModified: e.lastModified, get etag() { return etagOfEntry(e); } };
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<boolean> {
    assertValidKey(key);
    const existing = this.objects.get(key);
    if (options.ifNoneMatch && existing) return false;
    if (options.ifMatch !== undefined && (!existing || etagOfEntry(existing) !== options.ifMatch)) return false;
    this.write(key, toBytes(body), options);
    return true;
  }

  async copy(from: string, to: string, options: CopyOptions = {}): Promise<CopyOutcome> {
    assertValidKey(from);
    assertValidKey(to);
    const source = this.objects.get(from);
    if (!source) return 'missing';
    if (options.ifMatch !== undefined && etagOfEntry(source) !== options.ifMatch) return 'changed';
    this.write(to, source.bytes, options);
    return 'copied';
  }

  private write(key: string, bytes: Uint8Array, options: { contentType?: string; metadata?: Readonly<Record<string, string>> }): void {
    this.objects.set(key, {
      bytes,
      metadata: { ...(options.metadata ?? {}) },
      contentType: options.contentType,
      lastModified: this.now(),
    });
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

  async *listFolders(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    const after = options.startAfter ?? '';
    const folders = new Set<string>();
    for (const k of this.objects.keys()) {
      const folder = folderOf(prefix, k);
      if (folder && compareKeys(k, after) > 0) folders.add(folder);
    }
    yield* [...folders].sort(compareKeys);
  }

  /** Number of objects (tests). */
  size(): number {
    return this.objects.size;
  }
}

function etagOfEntry(e: Entry): string {
  e.etag ??= etagOf(e.bytes);
  return e.etag;
}
