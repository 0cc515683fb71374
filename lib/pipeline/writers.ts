/**
 * Writers for streamed outputs: {@link bufferedWriter} gathers the many small strings of a report
 * into chunks of about 64 KiB before they reach an ObjectWriter (a file write or an S3 part
 * buffer).
 */
import type { ObjectWriter } from '../ports.js';

const CHUNK = 64 * 1024;

/** `w` behind a buffer of about `chunk` characters. */
export function bufferedWriter(w: ObjectWriter, chunk = CHUNK): ObjectWriter {
  let parts: string[] = [];
  let size = 0;
  const flush = async (): Promise<void> => {
    if (size === 0) return;
    const text = parts.join('');
    parts = [];
    size = 0;
    await w.write(text);
  };
  return {
    write: async (c) => {
      if (typeof c !== 'string') {
        await flush();
        await w.write(c);
        return;
      }
      parts.push(c);
      size += c.length;
      if (size >= chunk) await flush();
    },
    close: async () => {
      await flush();
      await w.close();
    },
    abort: async () => {
      parts = [];
      size = 0;
      await w.abort();
    },
  };
}
