/**
 * ObjectStore over a directory: the bucket of the local mode.
 *
 * Layout under the root directory:
 * - `<key>`: the object bytes (keys are relative paths; see `assertValidKey`);
 * - `.mv-meta/<key>.json`: `{contentType, metadata}` sidecar, only when either is set;
 * - `.mv-tmp/`: temporary files, each renamed or linked into place (atomic writes).
 *
 * `put` with `ifNoneMatch` links the temporary file to the key (`link(2)` fails when the key
 * exists), so of two concurrent writers exactly one wins. The winner writes its metadata
 * sidecar just after the link: a reader may briefly see the object with empty metadata.
 * A directory cannot hold both `a` and `a/b` as objects (S3 can): that put fails with
 * `KEY_CONFLICT`. The run layout never needs it.
 */
import { link, lstat, mkdir, open, readdir, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ListOptions, ObjectInfo, ObjectStore, ObjectWriter, PutOptions, WriteOptions } from '../../ports.js';
import { AdapterError } from '../errors.js';
import { assertValidKey, compareKeys, RESERVED_SEGMENTS, toBytes } from '../object-key.js';

const META_DIR = '.mv-meta';
const TMP_DIR = '.mv-tmp';

interface Sidecar {
  readonly contentType?: string;
  readonly metadata: Record<string, string>;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

export class FsObjectStore implements ObjectStore {
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
      return new Uint8Array(await readFile(path));
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
      const st = await stat(path);
      if (!st.isFile()) return null;
      const meta = await this.readMeta(key);
      return { key, size: st.size, metadata: meta?.metadata ?? {}, lastModified: st.mtime };
    } catch (err) {
      if (ABSENT.has(errno(err) ?? '')) return null;
      throw this.io('head', key, err);
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
    await mkdir(dir, { recursive: true });
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
    await mkdir(dirname(path), { recursive: true });
    const tmp = await this.writeTmp(JSON.stringify(sidecar));
    await rename(tmp, path);
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<boolean> {
    const target = this.objectPath(key);
    const sidecar = this.sidecar(options);
    let tmp: string | undefined;
    try {
      await this.makeParent(key, target);
      tmp = await this.writeTmp(toBytes(body));
      if (options.ifNoneMatch) {
        try {
          await link(tmp, target);
        } catch (err) {
          if (errno(err) !== 'EEXIST') throw err;
          if ((await lstat(target)).isDirectory()) throw this.conflict(key);
          return false;
        }
        await this.writeMeta(key, sidecar);
      } else {
        await this.writeMeta(key, sidecar);
        try {
          await rename(tmp, target);
        } catch (err) {
          if (errno(err) === 'EISDIR' || errno(err) === 'ENOTEMPTY' || errno(err) === 'EEXIST') throw this.conflict(key);
          throw err;
        }
      }
      return true;
    } catch (err) {
      if (err instanceof AdapterError) throw err;
      throw this.io('put', key, err);
    } finally {
      if (tmp) await rm(tmp, { force: true });
    }
  }

  private async makeParent(key: string, target: string): Promise<void> {
    try {
      await mkdir(dirname(target), { recursive: true });
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
    try {
      const st = await lstat(target).catch((err: unknown) => (ABSENT.has(errno(err) ?? '') ? null : Promise.reject(err)));
      if (st && !st.isDirectory()) await rm(target, { force: true });
      await rm(this.metaPath(key), { force: true });
    } catch (err) {
      throw this.io('delete', key, err);
    }
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
      handle ??= mkdir(dir, { recursive: true }).then(() => open(tmp, 'wx'));
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
        try {
          await this.makeParent(key, target);
          await this.writeMeta(key, this.sidecar(options));
          await rename(tmp, target);
        } catch (err) {
          await rm(tmp, { force: true });
          if (err instanceof AdapterError) throw err;
          if (['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(errno(err) ?? '')) throw this.conflict(key);
          throw this.io('put', key, err);
        }
      },
      abort: async () => {
        await release();
        await rm(tmp, { force: true }).catch(() => undefined);
      },
    };
  }

  private sidecar(options: WriteOptions): Sidecar | null {
    const metadata = { ...(options.metadata ?? {}) };
    return options.contentType || Object.keys(metadata).length > 0 ? { contentType: options.contentType, metadata } : null;
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    const cut = prefix.lastIndexOf('/');
    const base = cut < 0 ? '' : prefix.slice(0, cut + 1);
    if (base !== '') assertValidKey(base.slice(0, -1));
    for await (const key of this.walk(base, prefix, options.startAfter)) yield key;
  }

  /**
   * Depth-first walk in key order: a folder `a` sorts as `a/`, which keeps the output sorted.
   * Folders whose every key sorts before `after` are not read.
   */
  private async *walk(rel: string, prefix: string, after?: string): AsyncIterable<string> {
    let entries;
    try {
      entries = await readdir(join(this.root, ...rel.split('/').filter(Boolean)), { withFileTypes: true });
    } catch (err) {
      if (ABSENT.has(errno(err) ?? '')) return;
      throw this.io('list', prefix, err);
    }
    const named = entries
      .filter((e) => !(rel === '' && RESERVED_SEGMENTS.includes(e.name)))
      .filter((e) => e.isDirectory() || e.isFile())
      .map((e) => ({ key: rel + e.name + (e.isDirectory() ? '/' : ''), dir: e.isDirectory() }))
      .filter((e) => e.key.startsWith(prefix) || (e.dir && prefix.startsWith(e.key)))
      .sort((a, b) => compareKeys(a.key, b.key));
    for (const e of named) {
      if (e.dir) {
        if (after !== undefined && !after.startsWith(e.key) && compareKeys(e.key, after) < 0) continue;
        yield* this.walk(e.key, prefix, after);
      } else if (after === undefined || compareKeys(e.key, after) > 0) yield e.key;
    }
  }
}
