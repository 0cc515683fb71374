/**
 * ObjectStore over a directory: the bucket of the local mode.
 *
 * Layout under the root directory:
 * - `<key>`: the object bytes (keys are relative paths; see `assertValidKey`);
 * - `.mv-meta/<key>.json`: `{metadata}` sidecar, only when there is metadata (the content type is
 *   not kept: nothing reads it back through the port, and a sidecar per result object would
 *   double the files of a run);
 * - `.mv-tmp/`: temporary files, each renamed or linked into place (atomic writes).
 *
 * `put` with `ifNoneMatch` links the temporary file to the key (`link(2)` fails when the key
 * exists), so of two concurrent writers exactly one wins, across processes too. The winner
 * writes its metadata sidecar just after the link: a reader may briefly see the object with
 * empty metadata. Writes of one key (put, copy to it, delete) run one at a time in this
 * process, which makes `ifMatch` (compare the ETag, then rename) atomic for the one process
 * of a local run. ETags are the quoted MD5 of the bytes, as S3 gives single-part objects;
 * `head` reads the whole object to compute it.
 * A directory cannot hold both `a` and `a/b` as objects (S3 can): that put fails with
 * `KEY_CONFLICT`. The run layout never needs it.
 */
import { createWriteStream } from 'node:fs';
import { link, lstat, mkdir, open, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { CopyOptions, CopyOutcome, ListOptions, ObjectInfo, ObjectStore, ObjectWriter, PutOptions, WriteOptions } from '../../ports.js';
import { AdapterError } from '../errors.js';
import { assertValidKey, etagOfStream, META_DIR, TMP_DIR, toBytes } from '../object-key.js';
import { ABSENT, errno, listFolders, listKeys } from './fs-tree.js';
import { KeyedSerializer } from './keyed-serializer.js';

interface Sidecar {
  readonly metadata: Record<string, string>;
}

export class FsObjectStore implements ObjectStore {
  private readonly dirs = new Set<string>();
  /** Writes of one key run one at a time (see the module doc). */
  private readonly writes = new KeyedSerializer();

  constructor(private readonly root: string) {}

  private objectPath(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  private metaPath(key: string): string {
    return join(this.root, META_DIR, ...`${key}.json`.split('/'));
  }

  private io(op: string, key: string, err: unknown): AdapterError {
    return new AdapterError('IO', `${op} ${JSON.stringify(key)}: ${errno(err) ?? (err as Error).message}`, { cause: err });
  }

  async get(key: string): Promise<Uint8Array | null> {
    const path = this.objectPath(key);
    try {
      return await readFile(path); // a fresh Buffer (a Uint8Array): no copy needed
    } catch (err) {
      if (ABSENT.has(errno(err) ?? '')) return null;
      throw this.io('get', key, err);
    }
  }

  async getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    const path = this.objectPath(key);
    try {
      const handle = await open(path, 'r');
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        return null;
      }
      return handle.createReadStream();
    } catch (err) {
      if (ABSENT.has(errno(err) ?? '')) return null;
      throw this.io('getStream', key, err);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const path = this.objectPath(key);
    try {
      const st = await this.state(path);
      if (!st) return null;
      const meta = await this.readMeta(key);
      return { key, size: st.size, metadata: meta?.metadata ?? {}, lastModified: st.mtime, etag: st.etag };
    } catch (err) {
      throw this.io('head', key, err);
    }
  }

  /** Size, time and ETag of the object at `path`, read through one handle (a concurrent replace cannot mix two versions). */
  private async state(path: string): Promise<{ size: number; mtime: Date; etag: string } | null> {
    const handle = await open(path, 'r').catch((err: unknown) => (ABSENT.has(errno(err) ?? '') ? null : Promise.reject(err)));
    if (!handle) return null;
    try {
      const st = await handle.stat();
      if (!st.isFile()) return null;
      return { size: st.size, mtime: st.mtime, etag: await etagOfStream(handle.createReadStream({ autoClose: false })) };
    } finally {
      await handle.close();
    }
  }

  private async readMeta(key: string): Promise<Sidecar | null> {
    try {
      return JSON.parse(await readFile(this.metaPath(key), 'utf8')) as Sidecar;
    } catch (err) {
      if (ABSENT.has(errno(err) ?? '')) return null;
      throw err;
    }
  }

  private async writeTmp(bytes: Uint8Array | string): Promise<string> {
    const dir = join(this.root, TMP_DIR);
    await this.ensureDir(dir);
    const tmp = join(dir, randomUUID());
    await writeFile(tmp, bytes, { flag: 'wx' });
    return tmp;
  }

  private async writeMeta(key: string, sidecar: Sidecar | null): Promise<void> {
    const path = this.metaPath(key);
    if (!sidecar) {
      await rm(path, { force: true });
      return;
    }
    await this.ensureDir(dirname(path));
    const tmp = await this.writeTmp(JSON.stringify(sidecar));
    await rename(tmp, path);
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<boolean> {
    const target = this.objectPath(key);
    return this.writes.run(key, async () => {
      let tmp: string | undefined;
      try {
        tmp = await this.writeTmp(toBytes(body));
        return await this.install(key, target, tmp, options);
      } catch (err) {
        if (err instanceof AdapterError) throw err;
        throw this.io('put', key, err);
      } finally {
        if (tmp) await rm(tmp, { force: true });
      }
    });
  }

  async copy(from: string, to: string, options: CopyOptions = {}): Promise<CopyOutcome> {
    const source = this.objectPath(from);
    const target = this.objectPath(to);
    return this.writes.run(to, async () => {
      let tmp: string | undefined;
      try {
        const handle = await open(source, 'r').catch((err: unknown) => (ABSENT.has(errno(err) ?? '') ? null : Promise.reject(err)));
        if (!handle) return 'missing';
        const md5 = createHash('md5');
        try {
          if (!(await handle.stat()).isFile()) return 'missing';
          await this.ensureDir(join(this.root, TMP_DIR));
          tmp = join(this.root, TMP_DIR, randomUUID());
          const hashing = async function* hash(chunks: AsyncIterable<Uint8Array>) {
            for await (const c of chunks) {
              md5.update(c);
              yield c;
            }
          };
          await pipeline(handle.createReadStream({ autoClose: false }), hashing, createWriteStream(tmp, { flags: 'wx' }));
        } finally {
          await handle.close();
        }
        if (options.ifMatch !== undefined && `"${md5.digest('hex')}"` !== options.ifMatch) return 'changed';
        await this.install(to, target, tmp, { contentType: options.contentType, metadata: options.metadata });
        return 'copied';
      } catch (err) {
        if (err instanceof AdapterError) throw err;
        throw this.io('copy', `${from} -> ${to}`, err);
      } finally {
        if (tmp) await rm(tmp, { force: true });
      }
    });
  }

  /** Moves the finished temporary file `tmp` to `key` if the conditions hold (under the key's lock). */
  private async install(key: string, target: string, tmp: string, options: PutOptions): Promise<boolean> {
    const sidecar = this.sidecar(options);
    await this.makeParent(key, target);
    if (options.ifNoneMatch) {
      try {
        await link(tmp, target);
      } catch (err) {
        if (errno(err) !== 'EEXIST') throw err;
        if ((await lstat(target)).isDirectory()) throw this.conflict(key);
        return false;
      }
      // A new key has no sidecar (delete removes it with the object): only metadata needs one.
      if (sidecar) await this.writeMeta(key, sidecar);
      return true;
    }
    if (options.ifMatch !== undefined && (await this.state(target))?.etag !== options.ifMatch) return false;
    await this.writeMeta(key, sidecar);
    try {
      await rename(tmp, target);
    } catch (err) {
      if (errno(err) === 'EISDIR' || errno(err) === 'ENOTEMPTY' || errno(err) === 'EEXIST') throw this.conflict(key);
      throw err;
    }
    return true;
  }

  /** `mkdir -p`, once per directory: the store only ever removes files, so a directory it made stays. */
  private async ensureDir(dir: string): Promise<void> {
    if (this.dirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.dirs.add(dir);
  }

  private async makeParent(key: string, target: string): Promise<void> {
    try {
      await this.ensureDir(dirname(target));
    } catch (err) {
      if (errno(err) === 'ENOTDIR' || errno(err) === 'EEXIST') throw this.conflict(key);
      throw err;
    }
  }

  private conflict(key: string): AdapterError {
    return new AdapterError('KEY_CONFLICT', `object key ${JSON.stringify(key)} clashes with another key used as a folder (or the reverse)`);
  }

  async delete(key: string): Promise<void> {
    const target = this.objectPath(key);
    await this.writes.run(key, async () => {
      try {
        const st = await lstat(target).catch((err: unknown) => (ABSENT.has(errno(err) ?? '') ? null : Promise.reject(err)));
        if (st && !st.isDirectory()) await rm(target, { force: true });
        await rm(this.metaPath(key), { force: true });
      } catch (err) {
        throw this.io('delete', key, err);
      }
    });
  }

  /** Streams into a temporary file, renamed into place on `close()` (see the port). */
  openWriter(key: string, options: WriteOptions = {}): ObjectWriter {
    const target = this.objectPath(key);
    const dir = join(this.root, TMP_DIR);
    const tmp = join(dir, randomUUID());
    let handle: Promise<FileHandle> | null = null;
    let done = false;
    const file = (): Promise<FileHandle> => {
      if (done) return Promise.reject(new AdapterError('WRITER_CLOSED', `writer of ${JSON.stringify(key)} is closed`));
      handle ??= this.ensureDir(dir).then(() => open(tmp, 'wx'));
      return handle;
    };
    const release = async (): Promise<void> => {
      const h = handle;
      done = true;
      handle = null;
      if (h) await (await h.catch(() => null))?.close().catch(() => undefined);
    };
    return {
      write: async (chunk) => {
        const h = await file();
        try {
          await h.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
        } catch (err) {
          throw this.io('write', key, err);
        }
      },
      close: async () => {
        await file();
        await release();
        await this.writes.run(key, async () => {
          try {
            await this.install(key, target, tmp, options);
          } catch (err) {
            if (err instanceof AdapterError) throw err;
            throw this.io('put', key, err);
          } finally {
            await rm(tmp, { force: true });
          }
        });
      },
      abort: async () => {
        await release();
        await rm(tmp, { force: true }).catch(() => undefined);
      },
    };
  }

  private sidecar(options: WriteOptions): Sidecar | null {
    const metadata = { ...(options.metadata ?? {}) };
    return Object.keys(metadata).length > 0 ? { metadata } : null;
  }

  list(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    return listKeys(this.root, prefix, options.startAfter);
  }

  listFolders(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    return listFolders(this.root, prefix, options.startAfter ?? '');
  }
}
