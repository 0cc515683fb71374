/**
 * Opening the image list: fatal problems (missing, a directory, not text) become one-line
 * CliErrors (exit 2) before any validation starts.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CliError } from './errors.js';
import { ListError } from '../core/list.js';
import { countListStream } from '../core/list-stream.js';

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    default: return code ?? 'cannot be read';
  }
}

/**
 * Checks that `path` is a readable regular file of text with at least one image (or invalid)
 * line, and counts those lines, so that fatal problems surface before any request is made and
 * the progress bar knows its total from the start.
 */
export async function scanListFile(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new CliError('LIST_UNREADABLE', `cannot read image list "${path}": ${describeFsError(err)}`, { cause: err });
  }
  if (info.isDirectory()) throw new CliError('LIST_UNREADABLE', `cannot read image list "${path}": is a directory`);
  if (!info.isFile()) throw new CliError('LIST_UNREADABLE', `cannot read image list "${path}": not a regular file`);
  let count: number;
  try {
    count = await countListStream(readListChunks(path));
  } catch (err) {
    if (err instanceof ListError && err.code === 'NOT_TEXT') {
      throw new CliError('LIST_NOT_TEXT', `image list "${path}" is not a text file (it contains NUL bytes)`, { cause: err });
    }
    throw new CliError('LIST_UNREADABLE', `cannot read image list "${path}": ${describeFsError(err)}`, { cause: err });
  }
  if (count === 0) throw new CliError('NO_IMAGES', `no images in list "${path}"`);
  return count;
}

/** The raw bytes of the list, streamed. */
export function readListChunks(path: string): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: 64 * 1024 });
}
