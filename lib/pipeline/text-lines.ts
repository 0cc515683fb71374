/**
 * Lines of a stored text object (shards, failed-file runs), read as a stream: memory holds one
 * chunk and the line being assembled, whatever the object's size. Lines end at `\n`; a last line
 * without one is yielded too. UTF-8 is decoded per line (a `\n` byte never occurs inside a
 * multi-byte sequence), so chunk boundaries may fall anywhere.
 */
import type { ObjectStore } from '../ports.js';
import { PipelineError } from './errors.js';

/** The lines of `chunks`, without their `\n`. */
export async function* textLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    let buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let at = buf.indexOf(10);
    while (at >= 0) {
      yield buf.toString('utf8', 0, at);
      buf = buf.subarray(at + 1);
      at = buf.indexOf(10);
    }
    rest = Buffer.from(buf);
  }
  if (rest.length > 0) yield rest.toString('utf8');
}

/** The lines of the object at `key`. @throws PipelineError `CORRUPT_OBJECT` when it is missing. */
export async function* objectLines(store: ObjectStore, key: string): AsyncGenerator<string> {
  const stream = await store.getStream(key);
  if (!stream) throw new PipelineError('CORRUPT_OBJECT', `${key} disappeared during aggregation`);
  yield* textLines(stream);
}
