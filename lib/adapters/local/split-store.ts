/**
 * An ObjectStore made of two: the keys `toSide` selects live in `side`, every other key in
 * `main`. A local run without `--work-dir` keeps its results in memory (`main`, a MemoryStore)
 * but its comparison objects (sorted key files and their merge runs, several copies of every
 * line's key entry) in a temporary directory (`side`), so comparing with a previous report does
 * not multiply the run's memory.
 *
 * Each key has one home, so reads, writes and conditions go to that store alone; a copy between
 * the two is a read and a conditional put; listings merge the two stores' sorted listings.
 */
import type { CopyOptions, CopyOutcome, ListOptions, ObjectInfo, ObjectStore, ObjectWriter, PutOptions, WriteOptions } from '../../ports.js';
import { compareKeys } from '../object-key.js';

export class SplitStore implements ObjectStore {
  constructor(private readonly main: ObjectStore, private readonly side: ObjectStore, private readonly toSide: (key: string) => boolean) {}

  private of(key: string): ObjectStore {
    return this.toSide(key) ? this.side : this.main;
  }

  get(key: string): Promise<Uint8Array | null> { return this.of(key).get(key); }
  getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> { return this.of(key).getStream(key); }
  head(key: string): Promise<ObjectInfo | null> { return this.of(key).head(key); }
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<boolean> { return this.of(key).put(key, body, options); }
  delete(key: string): Promise<void> { return this.of(key).delete(key); }
  openWriter(key: string, options?: WriteOptions): ObjectWriter { return this.of(key).openWriter(key, options); }

  async copy(from: string, to: string, options: CopyOptions = {}): Promise<CopyOutcome> {
    const source = this.of(from);
    const target = this.of(to);
    if (source === target) return source.copy(from, to, options);
    const info = await source.head(from);
    const bytes = info ? await source.get(from) : null;
    if (!info || !bytes) return 'missing';
    if (options.ifMatch !== undefined && info.etag !== options.ifMatch) return 'changed';
    await target.put(to, bytes, { contentType: options.contentType, metadata: options.metadata });
    return 'copied';
  }

  list(prefix: string, options?: ListOptions): AsyncIterable<string> {
    return mergeKeys(this.main.list(prefix, options), this.side.list(prefix, options));
  }

  listFolders(prefix: string, options?: ListOptions): AsyncIterable<string> {
    return mergeKeys(this.main.listFolders(prefix, options), this.side.listFolders(prefix, options));
  }
}

/** Two sorted key listings as one, in list order, a key present in both once. */
async function* mergeKeys(a: AsyncIterable<string>, b: AsyncIterable<string>): AsyncGenerator<string> {
  const ia = a[Symbol.asyncIterator]();
  const ib = b[Symbol.asyncIterator]();
  let x = await ia.next();
  let y = await ib.next();
  while (!x.done || !y.done) {
    const order = x.done ? 1 : y.done ? -1 : compareKeys(x.value, y.value);
    if (order <= 0) {
      yield x.value as string;
      if (order === 0) y = await ib.next();
      x = await ia.next();
    } else {
      yield y.value as string;
      y = await ib.next();
    }
  }
}
