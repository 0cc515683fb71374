/**
 * The run's failed file in bounded memory: an external merge of sorted runs. Each shard's failed
 * part is already sorted and distinct; up to `fanIn` of them are merged at once (one line of each
 * in memory) straight into the outputs, dropping repeats. With more parts than that, groups of
 * `fanIn` are first merged into intermediate objects (`runs/<runId>/merge/<level>-<n>.txt`,
 * written whole by a streamed put; any aggregator writes the same bytes), level by level.
 */
import { compareText } from '../core/report.js';
import type { ObjectStore, ObjectWriter } from '../ports.js';
import { runKeys } from './run-layout.js';
import { objectLines } from './text-lines.js';
import { bufferedWriter } from './writers.js';

export interface MergeOptions {
  /** Sorted runs read at once. Default 32. */
  readonly fanIn?: number;
}

/**
 * Merges the sorted runs at `keys` into every writer of `into` (closed on success); resolves the
 * number of distinct lines written.
 */
export async function mergeFailed(store: ObjectStore, runId: string, keys: readonly string[], into: readonly ObjectWriter[], opts: MergeOptions = {}): Promise<number> {
  const fanIn = Math.max(2, opts.fanIn ?? 32);
  let level = keys;
  for (let depth = 0; level.length > fanIn; depth++) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += fanIn) {
      const key = `${runKeys(runId).mergePrefix}${depth}-${next.length}.txt`;
      await mergeInto(store, level.slice(i, i + fanIn), [store.openWriter(key, { contentType: 'text/plain; charset=utf-8' })]);
      next.push(key);
    }
    level = next;
  }
  return mergeInto(store, level, into);
}

async function mergeInto(store: ObjectStore, keys: readonly string[], writers: readonly ObjectWriter[]): Promise<number> {
  const outs = writers.map((w) => bufferedWriter(w));
  const sources = keys.map((k) => objectLines(store, k));
  try {
    const heads = await Promise.all(sources.map((s) => s.next()));
    let last: string | undefined;
    let written = 0;
    for (;;) {
      let min = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i]!;
        if (!h.done && (min < 0 || compareText(h.value, (heads[min] as IteratorYieldResult<string>).value) < 0)) min = i;
      }
      if (min < 0) break;
      const line = (heads[min] as IteratorYieldResult<string>).value;
      if (line !== last && line !== '') {
        for (const o of outs) await o.write(`${line}\n`);
        last = line;
        written++;
      }
      heads[min] = await sources[min]!.next();
    }
    for (const o of outs) await o.close();
    return written;
  } catch (err) {
    await Promise.all(outs.map((o) => o.abort()));
    throw err;
  } finally {
    await Promise.all(sources.map((s) => s.return(undefined)));
  }
}
