/**
 * Compaction, the aggregator's progress check: every shard whose counted lines all have a result
 * is written as one shard object (shards.ts), after which its line objects are never read again.
 * A check lists `shards/` (one request per 1,000 shards) and, for the shards not yet compacted,
 * only their result keys (a listing that starts at the first such shard and skips compacted
 * runs of shards), so its cost follows the lines finished since the last check, not the list.
 *
 * With `force` (a run past its deadline) a shard's missing lines are first recorded as ERROR
 * `NO_RESULT` (created once, like every result: a late real result loses, a result that came
 * first wins) with their input and pair from `inputs`, then the shard is compacted, so the run closes.
 *
 * Work per call is bounded: it stops before a new shard once `deadline` has passed or after
 * `maxScanKeys` listed keys, and says so (`stopped`), so the caller can ask for another check.
 * Memory holds one shard's results and one shard count per shard (1,000 per million lines).
 */
import { SHARD_LINES } from '../core/defaults.js';
import type { LineResult } from '../core/types.js';
import type { ObjectStore } from '../ports.js';
import { beforeShard, lineOfResultKey, resultKey, runKeys, shardFailedKey, shardKey, shardKeysKey, shardOfKey, shardOfLine } from './run-layout.js';
import { keyPart } from './compare-runs.js';
import { JSON_PUT, putResultOnce, type LineRanges, type RunRecord } from './run-record.js';
import { encodeShard, NO_RESULT_MESSAGE, parseStored, type StoredResult } from './shards.js';
import { PipelineError } from './errors.js';
import { TaskPool } from './task-pool.js';

/**
 * What the list says of a line without result: its text and, for an image line, its resolved
 * pair, which a NO_RESULT result carries like every result of an image line (a comparison with
 * the next run matches lines by pair, core/changes.ts).
 */
export type LostLine = Pick<LineResult, 'input' | 'source' | 'destination'>;

/** The lines of the list, asked for in ascending order (a forward-only read of the list). */
export interface InputCursor {
  inputsOf(lines: readonly number[]): Promise<ReadonlyMap<number, LostLine>>;
}

export interface CompactOptions {
  /** Record missing lines as ERROR NO_RESULT and compact every shard. */
  readonly force?: boolean;
  /** Opened at the first missing line; without it their input is ''. */
  readonly inputs?: () => InputCursor;
  /** Result objects read (and NO_RESULT results written) in parallel. Default 16. */
  readonly concurrency?: number;
  /** `Date.now()` after which no new shard is started. */
  readonly deadline?: number;
  /** Result keys listed per call before stopping. Default: no limit. */
  readonly maxScanKeys?: number;
  /** Also write each shard's key part (compare-runs.ts): the run is compared with its predecessor. */
  readonly keys?: boolean;
  /** Look only at these shards (the ones new results were recorded in); the others are left as they are. */
  readonly only?: ReadonlySet<number>;
}

export interface CompactOutcome {
  /** Every shard with counted lines is compacted. */
  readonly complete: boolean;
  /** Shards with counted lines, ascending. */
  readonly shards: readonly number[];
  /** Shards this call compacted. */
  readonly compacted: number;
  /** Their numbers. */
  readonly written: readonly number[];
  /** The call stopped at its deadline or scan limit with shards left to look at. */
  readonly stopped: boolean;
}

/** Counted lines per shard, from the record's ranges (ascending). */
export function shardCounts(ranges: LineRanges): Map<number, number> {
  const counts = new Map<number, number>();
  for (const [a, b] of ranges) {
    for (let k = shardOfLine(a); k <= shardOfLine(b); k++) {
      const n = Math.min(b, (k + 1) * SHARD_LINES - 1) - Math.max(a, k * SHARD_LINES) + 1;
      counts.set(k, (counts.get(k) ?? 0) + n);
    }
  }
  return counts;
}

/** Counted lines of shard `k`, ascending. */
export function shardLines(ranges: LineRanges, k: number): number[] {
  const lo = k * SHARD_LINES;
  const hi = lo + SHARD_LINES - 1;
  let i = 0;
  for (let step = ranges.length; step > 0; step >>= 1) while (i + step < ranges.length && ranges[i + step - 1]![1] < lo) i += step;
  const out: number[] = [];
  for (; i < ranges.length && ranges[i]![0] <= hi; i++) {
    const [a, b] = ranges[i]!;
    for (let n = Math.max(a, lo); n <= Math.min(b, hi); n++) out.push(n);
  }
  return out;
}

/** Result keys of consecutive shards, read forward from a start shard. */
class ResultCursor {
  private readonly it: AsyncIterator<string>;
  private head: number | null | undefined;

  constructor(store: ObjectStore, runId: string, from: number, private readonly scan: { keys: number }) {
    this.it = store.list(runKeys(runId).resultsPrefix, { startAfter: beforeShard(runId, from) })[Symbol.asyncIterator]();
  }

  /** Lines of shard `k` that have a result (the cursor must not be past `k`). */
  async linesOf(k: number): Promise<number[]> {
    const out: number[] = [];
    for (;;) {
      if (this.head === undefined) {
        const next = await this.it.next();
        this.head = next.done ? null : lineOfResultKey(next.value) ?? -1;
        if (!next.done) this.scan.keys++;
      }
      if (this.head === null || (this.head >= 0 && shardOfLine(this.head) > k)) return out;
      if (this.head >= 0 && shardOfLine(this.head) === k) out.push(this.head);
      this.head = undefined;
    }
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}

/** The shards already compacted. */
export async function compactedShards(store: ObjectStore, runId: string): Promise<Set<number>> {
  const done = new Set<number>();
  for await (const key of store.list(runKeys(runId).shardsPrefix)) {
    const k = shardOfKey(key);
    if (k !== null) done.add(k);
  }
  return done;
}

/** One progress check of run `record.runId`; see the module doc. */
export async function compactRun(store: ObjectStore, record: Pick<RunRecord, 'runId' | 'lines'>, opts: CompactOptions = {}): Promise<CompactOutcome> {
  const runId = record.runId;
  const done = await compactedShards(store, runId);
  const counts = record.lines ? shardCounts(record.lines) : await presentShards(store, runId);
  const shards = [...counts.keys()];
  const open = shards.filter((k) => !done.has(k));
  const pending = opts.only ? open.filter((k) => opts.only!.has(k)) : open;
  const maxScan = opts.maxScanKeys ?? Infinity;
  const concurrency = opts.concurrency ?? 16;
  const scan = { keys: 0 };
  let inputs: InputCursor | undefined;
  let cursor: ResultCursor | undefined;
  const written: number[] = [];
  let stopped = false;
  try {
    for (const [i, k] of pending.entries()) {
      if ((opts.deadline !== undefined && Date.now() > opts.deadline) || scan.keys >= maxScan) {
        stopped = true;
        break;
      }
      if (!cursor || pending[i - 1] !== k - 1) {
        await cursor?.close();
        cursor = new ResultCursor(store, runId, k, scan);
      }
      const present = await cursor.linesOf(k);
      const lines = record.lines ? shardLines(record.lines, k) : present;
      const have = new Set(present);
      const missing = lines.filter((n) => !have.has(n));
      if (missing.length > 0 && !opts.force) continue;
      if (missing.length > 0) {
        inputs ??= opts.inputs?.();
        await recordMissing(store, runId, missing, inputs ? await inputs.inputsOf(missing) : new Map(), concurrency);
      }
      await compactShard(store, runId, k, lines, concurrency, opts.keys);
      written.push(k);
    }
  } finally {
    await cursor?.close();
  }
  return { complete: written.length === open.length, shards, compacted: written.length, written, stopped };
}

/** Shards that have results (a run whose split never finished). */
async function presentShards(store: ObjectStore, runId: string): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for await (const key of store.list(runKeys(runId).resultsPrefix)) {
    const n = lineOfResultKey(key);
    if (n !== null) counts.set(shardOfLine(n), (counts.get(shardOfLine(n)) ?? 0) + 1);
  }
  return counts;
}

async function recordMissing(store: ObjectStore, runId: string, lines: readonly number[], inputs: ReadonlyMap<number, LostLine>, concurrency: number): Promise<void> {
  const pool = new TaskPool(concurrency);
  for (const line of lines) {
    const known = inputs.get(line);
    const result: LineResult = {
      line, input: known?.input ?? '', status: 'ERROR', code: 'NO_RESULT', message: NO_RESULT_MESSAGE,
      ...(known?.source !== undefined && known.destination !== undefined ? { source: known.source, destination: known.destination } : {}),
    };
    await pool.submit(() => putResultOnce(store, resultKey(runId, line), result));
  }
  await pool.drain();
}

/**
 * Reads the results of `lines` and writes shard `k`: its failed part and (with `keys`, for a run
 * that is compared with its predecessor) its key part first, the shard last.
 */
export async function compactShard(store: ObjectStore, runId: string, k: number, lines: readonly number[], concurrency = 16, keys = false): Promise<void> {
  const results = new Array<StoredResult>(lines.length);
  const pool = new TaskPool(concurrency);
  for (const [i, line] of lines.entries()) {
    await pool.submit(async () => {
      const key = resultKey(runId, line);
      const bytes = await store.get(key);
      if (!bytes) throw new PipelineError('CORRUPT_OBJECT', `${key} disappeared during aggregation`);
      results[i] = parseStored(key, bytes);
    });
  }
  await pool.drain();
  const shard = encodeShard(k, results);
  if (shard.failed !== '') await store.put(shardFailedKey(runId, k), shard.failed, { contentType: 'text/plain; charset=utf-8' });
  if (keys) await store.put(shardKeysKey(runId, k), keyPart(results.map((r) => r.result)), { contentType: 'text/plain; charset=utf-8' });
  await store.put(shardKey(runId, k), shard.body, { ...JSON_PUT, contentType: 'application/x-ndjson', ifNoneMatch: true });
}
