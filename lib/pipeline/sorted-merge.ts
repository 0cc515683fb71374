/**
 * External merge of sorted text objects, in bounded memory: the run's failed file (from the
 * shards' sorted parts), its key file (shards' key parts) and a baseline imported from a previous
 * report. Up to `fanIn` sorted runs are merged at once (one line of each in memory) straight into
 * the outputs, writing lines that are the same (by `sameAs`) once; with more runs than that,
 * groups of `fanIn` are first merged into intermediate objects under `tempPrefix`, level by level
 * (written whole by a streamed put; any aggregator writes the same bytes).
 */
import { compareText } from '../core/report.js';
import type { ObjectStore, ObjectWriter } from '../ports.js';
import { objectLines } from './text-lines.js';
import { bufferedWriter } from './writers.js';

export interface MergeOptions {
  /** Where the intermediate objects of the levels go (ends with `/`). */
  readonly tempPrefix: string;
  /** Sorted runs read at once. Default 32. */
  readonly fanIn?: number;
  /** What makes two lines the same (only the first is written). Default: the whole line. */
  readonly sameAs?: (line: string) => string;
}

/** Merges the sorted runs at `keys` into every writer of `into` (closed on success); resolves the lines written. */
export async function mergeSorted(store: ObjectStore, keys: readonly string[], into: readonly ObjectWriter[], opts: MergeOptions): Promise<number> {
  const fanIn = Math.max(2, opts.fanIn ?? 32);
  let level = keys;
  for (let depth = 0; level.length > fanIn; depth++) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += fanIn) {
      const key = `${opts.tempPrefix}${depth}-${next.length}.txt`;
      await mergeInto(store, level.slice(i, i + fanIn), [store.openWriter(key, { contentType: 'text/plain; charset=utf-8' })], opts.sameAs);
      next.push(key);
    }
    level = next;
  }
  return mergeInto(store, level, into, opts.sameAs);
}

/** The lines of the sorted runs at `keys`, merged (at most `fanIn` of them: merge more with {@link mergeSorted} first). */
export async function* mergedLines(store: ObjectStore, keys: readonly string[], sameAs: (line: string) => string = (l) => l): AsyncGenerator<string> {
  const sources = keys.map((k) => objectLines(store, k));
  try {
    const heads = await Promise.all(sources.map((s) => s.next()));
    let last: string | undefined;
    for (;;) {
      let min = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i]!;
        if (!h.done && (min < 0 || compareText(h.value, (heads[min] as IteratorYieldResult<string>).value) < 0)) min = i;
      }
      if (min < 0) return;
      const line = (heads[min] as IteratorYieldResult<string>).value;
      const same = sameAs(line);
      if (line !== '' && same !== last) {
        last = same;
        yield line;
      }
      heads[min] = await sources[min]!.next();
    }
  } finally {
    await Promise.all(sources.map((s) => s.return(undefined)));
  }
}

async function mergeInto(store: ObjectStore, keys: readonly string[], writers: readonly ObjectWriter[], sameAs?: (line: string) => string): Promise<number> {
  const outs = writers.map((w) => bufferedWriter(w));
  try {
    let written = 0;
    for await (const line of mergedLines(store, keys, sameAs)) {
      for (const o of outs) await o.write(`${line}\n`);
      written++;
    }
    for (const o of outs) await o.close();
    return written;
  } catch (err) {
    await Promise.all(outs.map((o) => o.abort()));
    throw err;
  }
}
