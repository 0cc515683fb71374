/**
 * An ObjectWriter to a local file (the CLI's `--report` and failed files): bytes go to a
 * temporary file beside it, renamed over the file on `close()`, so a reader never sees half a
 * report and a failed run leaves the previous file as it was.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { ObjectWriter } from '../../ports.js';
import { AdapterError } from '../errors.js';

/** A writer of `path`; `onError` turns a file-system error into the caller's error. */
export function fileWriter(path: string, onError: (err: unknown) => Error): ObjectWriter {
  const tmp = `${path}.${randomUUID().slice(0, 8)}.tmp`;
  let handle: Promise<FileHandle> | null = null;
  let state: 'open' | 'closed' | 'aborted' = 'open';
  const file = (): Promise<FileHandle> => {
    if (state !== 'open') return Promise.reject(new AdapterError('WRITER_CLOSED', `writer of ${JSON.stringify(path)} is ${state}`));
    handle ??= open(tmp, 'wx');
    return handle;
  };
  const fail = async (err: unknown): Promise<never> => {
    await abort();
    throw err instanceof AdapterError ? err : onError(err);
  };
  const abort = async (): Promise<void> => {
    if (state !== 'open') return;
    state = 'aborted';
    const h = handle;
    handle = null;
    if (h) await (await h.catch(() => null))?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
  };
  return {
    write: async (chunk) => {
      try {
        await (await file()).write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      } catch (err) {
        await fail(err);
      }
    },
    close: async () => {
      try {
        const h = await file();
        await h.close();
        state = 'closed';
        await rename(tmp, path);
      } catch (err) {
        state = state === 'closed' ? 'open' : state;
        await fail(err);
      }
    },
    abort,
  };
}
