/**
 * How the directory store lists: keys are relative file paths under the root, walked depth
 * first in S3's order (UTF-8 bytes; a folder `a` sorts as `a/`, which keeps the walk sorted),
 * without the store's own folders (`.mv-meta`, `.mv-tmp`).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AdapterError } from '../errors.js';
import { assertValidKey, compareKeys, folderOf, RESERVED_SEGMENTS } from '../object-key.js';

export function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** Errors that mean "no such object" for a path. */
export const ABSENT: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/** The folder of `prefix` where the walk starts (`runs/r1/res` -> `runs/r1/`). */
function baseOf(prefix: string): string {
  const cut = prefix.lastIndexOf('/');
  const base = cut < 0 ? '' : prefix.slice(0, cut + 1);
  if (base !== '') assertValidKey(base.slice(0, -1));
  return base;
}

/** The entries of folder `rel` that can hold keys under `prefix`, in key order; a folder's key ends with `/`. */
async function entries(root: string, rel: string, prefix: string): Promise<{ key: string; dir: boolean }[]> {
  let found;
  try {
    found = await readdir(join(root, ...rel.split('/').filter(Boolean)), { withFileTypes: true });
  } catch (err) {
    if (ABSENT.has(errno(err) ?? '')) return [];
    throw new AdapterError('IO', `list ${JSON.stringify(prefix)}: ${errno(err) ?? (err as Error).message}`, { cause: err });
  }
  return found
    .filter((e) => !(rel === '' && RESERVED_SEGMENTS.includes(e.name)))
    .filter((e) => e.isDirectory() || e.isFile())
    .map((e) => ({ key: rel + e.name + (e.isDirectory() ? '/' : ''), dir: e.isDirectory() }))
    .filter((e) => e.key.startsWith(prefix) || (e.dir && prefix.startsWith(e.key)))
    .sort((a, b) => compareKeys(a.key, b.key));
}

/** Keys under `prefix` in folder `rel`, in order, after `after`; folders whose every key sorts before `after` are not read. */
async function* walk(root: string, rel: string, prefix: string, after?: string): AsyncIterable<string> {
  for (const e of await entries(root, rel, prefix)) {
    if (e.dir) {
      if (after !== undefined && !after.startsWith(e.key) && compareKeys(e.key, after) < 0) continue;
      yield* walk(root, e.key, prefix, after);
    } else if (after === undefined || compareKeys(e.key, after) > 0) {
      yield e.key;
    }
  }
}

/** Keys under `prefix`, in order (only those after `after`, when given). */
export function listKeys(root: string, prefix: string, after?: string): AsyncIterable<string> {
  return walk(root, baseOf(prefix), prefix, after);
}

/** Folders directly under `prefix` that hold a key sorting after `after` (see ObjectStore.listFolders). */
export async function* listFolders(root: string, prefix: string, after: string): AsyncIterable<string> {
  for (const e of await entries(root, baseOf(prefix), prefix)) {
    if (!e.dir || !e.key.startsWith(prefix)) continue;
    // Every key in a folder sorts after `after` when the folder does; when it does not, only
    // keys of a folder that `after` is inside can.
    const mustLook = compareKeys(e.key, after) <= 0;
    if (mustLook && !after.startsWith(e.key)) continue;
    for await (const k of walk(root, e.key, e.key)) {
      if (!mustLook || compareKeys(k, after) > 0) {
        yield folderOf(prefix, k)!;
        break;
      }
    }
  }
}
