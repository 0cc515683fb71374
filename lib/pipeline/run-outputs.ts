/**
 * The outputs of a closed run, streamed from its shards: the run's totals from the shard headers,
 * its results in line order (a few shards read ahead), and every report written in one pass over
 * them, each to its writer. Memory: the shards read ahead and one buffered chunk per writer,
 * whatever the number of lines.
 */
import { CHANGE_KINDS, type ChangeEntry, type ChangeKind } from '../core/changes.js';
import { emptyTotals, mergeTotals, type ReportTotals } from '../core/report.js';
import type { LineResult } from '../core/types.js';
import type { ObjectStore, ObjectWriter } from '../ports.js';
import { formatterFor, type ReportFormat } from '../report/format.js';
import type { ReportView } from '../report/formatter.js';
import { PipelineError } from './errors.js';
import { shardKey } from './run-layout.js';
import { readShardHeader, readShardResults, shardResults, type ShardHeader } from './shards.js';
import { TaskPool } from './task-pool.js';
import { textLines } from './text-lines.js';
import { bufferedWriter } from './writers.js';

export interface RunTotals {
  readonly totals: ReportTotals;
  /** Lines recorded as NO_RESULT by a forced close. */
  readonly missing: number;
  /** Shards with a failed part, ascending. */
  readonly failedShards: readonly number[];
}

/** The run's totals, from the headers of `shards` (ascending). */
export async function readTotals(store: ObjectStore, runId: string, shards: readonly number[], concurrency = 16): Promise<RunTotals> {
  const headers = new Array<ShardHeader>(shards.length);
  const pool = new TaskPool(concurrency);
  for (const [i, k] of shards.entries()) await pool.submit(async () => { headers[i] = await readShardHeader(store, shardKey(runId, k)); });
  await pool.drain();
  const totals = emptyTotals();
  let missing = 0;
  const failedShards: number[] = [];
  for (const [i, h] of headers.entries()) {
    mergeTotals(totals, h.totals);
    missing += h.missing;
    if (h.failed > 0) failedShards.push(shards[i]!);
  }
  return { totals, missing, failedShards };
}

/** The results of `shards` (ascending), in line order; `readAhead` shards are fetched ahead. */
export async function* runResults(store: ObjectStore, runId: string, shards: readonly number[], readAhead = 3): AsyncGenerator<LineResult> {
  if (readAhead <= 0) {
    for (const k of shards) yield* readShardResults(store, shardKey(runId, k));
    return;
  }
  const fetch = (k: number): Promise<Uint8Array> => store.get(shardKey(runId, k)).then((b) => {
    if (!b) throw new PipelineError('CORRUPT_OBJECT', `${shardKey(runId, k)} disappeared during aggregation`);
    return b;
  });
  const ahead: Promise<Uint8Array>[] = [];
  ahead.push(...shards.slice(0, readAhead).map(fetch));
  ahead.forEach((p) => p.catch(() => undefined));
  for (const [i, k] of shards.entries()) {
    const bytes = await ahead.shift()!;
    const next = shards[i + readAhead];
    if (next !== undefined) {
      const p = fetch(next);
      p.catch(() => undefined);
      ahead.push(p);
    }
    yield* shardResults(shardKey(runId, k), textLines((async function* one() { yield bytes; })()));
  }
}

export interface ReportTarget {
  readonly format: ReportFormat;
  /** JSON: 0 for the bucket's one-result-per-line file, 2 (default) for `--report`. */
  readonly indent?: 0 | 2;
  readonly writer: ObjectWriter;
}

/**
 * Writes every report of `targets` in one pass over `results` (and, for the formats that list
 * them, one pass over each list of `changes`); aborts them all on failure.
 */
export async function writeReports(
  results: AsyncIterable<LineResult>, view: ReportView, listName: string, targets: readonly ReportTarget[],
  changes?: (kind: ChangeKind) => AsyncIterable<ChangeEntry>,
): Promise<void> {
  const outs = targets.map((t) => ({ f: formatterFor(t.format, view, { listName, indent: t.indent }), w: bufferedWriter(t.writer) }));
  try {
    for (const o of outs) await o.w.write(o.f.start());
    for await (const r of results) {
      for (const o of outs) {
        const text = o.f.line(r);
        if (text !== '') await o.w.write(text);
      }
    }
    const listing = outs.filter((o) => o.f.changesStart);
    if (listing.length > 0) {
      for (const kind of CHANGE_KINDS) {
        for (const o of listing) await o.w.write(o.f.changesStart!(kind));
        if (changes) for await (const e of changes(kind)) for (const o of listing) await o.w.write(o.f.change!(kind, e));
      }
    }
    for (const o of outs) await o.w.write(o.f.end());
    for (const o of outs) await o.w.close();
  } catch (err) {
    await Promise.all(outs.map((o) => o.w.abort()));
    throw err;
  }
}
