/**
 * A list's bytes, streamed, as parsed lines: the splitter Lambda (S3 body) and the CLI (file)
 * both read lists this way, with memory bounded by the longest kept line.
 */
import { counts, LineSplitter, parseSplitLine } from './line-splitter.js';
import type { ListSettings, ParsedLine } from './list.js';

/**
 * Yields every image and invalid line of the list in order (blank and comment lines are skipped).
 *
 * @throws ListError `NOT_TEXT` as soon as a chunk contains a NUL byte.
 */
export async function* parseListStream(chunks: AsyncIterable<Uint8Array>, settings: ListSettings): AsyncGenerator<ParsedLine> {
  const splitter = new LineSplitter();
  for await (const chunk of chunks) {
    for (const item of splitter.push(chunk)) {
      const parsed = parseSplitLine(item, settings);
      if (parsed) yield parsed;
    }
  }
  for (const item of splitter.end()) {
    const parsed = parseSplitLine(item, settings);
    if (parsed) yield parsed;
  }
}

/**
 * The number of lines {@link parseListStream} yields (image and invalid lines), without parsing
 * their references: the CLI counts them before the run starts.
 *
 * @throws ListError `NOT_TEXT` as soon as a chunk contains a NUL byte.
 */
export async function countListStream(chunks: AsyncIterable<Uint8Array>): Promise<number> {
  const splitter = new LineSplitter();
  let n = 0;
  for await (const chunk of chunks) for (const item of splitter.push(chunk)) if (counts(item)) n++;
  for (const item of splitter.end()) if (counts(item)) n++;
  return n;
}
