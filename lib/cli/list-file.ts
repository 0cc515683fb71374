/**
 * Opening the image list: fatal problems (missing, a directory, not text) become one-line
 * CliErrors (exit 2) before any validation starts.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CliError } from './errors.js';

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

/** Checks that `path` is a readable regular file and contains no NUL byte. */
export async function checkListFile(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new CliError('LIST_UNREADABLE', `cannot read image list "${path}": ${describeFsError(err)}`, { cause: err });
  }
  if (info.isDirectory()) throw new CliError('LIST_UNREADABLE', `cannot read image list "${path}": is a directory`);
  if (!info.isFile() && !info.isFIFO()) {
    throw new CliError('LIST_UNREADABLE', `cannot read image list "${path}": not a regular file`);
  }
  if (info.isFIFO()) return; // a pipe can be read once only: the streaming reader checks for NUL itself
  try {
    for await (const chunk of createReadStream(path)) {
      if ((chunk as Buffer).indexOf(0) !== -1) {
        throw new CliError('LIST_NOT_TEXT', `image list "${path}" is not a text file (it contains NUL bytes)`);
      }
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError('LIST_UNREADABLE', `cannot read image list "${path}": ${describeFsError(err)}`, { cause: err });
  }
}

/** The raw bytes of the list, streamed. */
export function readListChunks(path: string): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: 64 * 1024 });
}
