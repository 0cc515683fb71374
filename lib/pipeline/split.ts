/**
 * Split: the first step of a run. Reads the parsed list as a stream, sends one WorkItem per
 * image line (batches of 10, a few sends in flight, never the whole list in memory), records
 * INVALID lines directly, and finally writes the run record with the exact total.
 *
 * Duplicate splits (a second S3 event for the same run) are no-ops: the run record is created
 * with `ifNoneMatch`, and a second split that finds a complete record returns `duplicate: true`
 * without sending anything. A split that finds a `counting` record older than
 * `takeoverAfterMs` (the first split died) redoes the work: every result is keyed by its line
 * and created once, so re-sent items only cost a re-validation, never a duplicate line.
 */
import { RUN_DEADLINE_MINUTES } from '../core/defaults.js';
import type { LineResult } from '../core/types.js';
import type { RunSettings, WorkItem } from '../core/settings.js';
import type { ParsedLine } from '../core/list.js';
import type { ObjectStore, WorkQueue } from '../ports.js';
import { PipelineError } from './errors.js';
import { resultKey, runKeys } from './run-layout.js';
import { encodeJson, JSON_PUT, putResultOnce, RangeBuilder, readJson, type ListRef, type RunRecord } from './run-record.js';
import { TaskPool } from './task-pool.js';

export interface SplitOptions {
  readonly runId: string;
  readonly list?: ListRef;
  /** Image and invalid lines in ascending line order (blank and comment lines already dropped). */
  readonly lines: AsyncIterable<ParsedLine>;
  readonly queue: WorkQueue<WorkItem>;
  readonly store: ObjectStore;
  readonly settings: RunSettings;
  readonly now?: () => Date;
  /** How long the run may stay open before a sweeper closes it. Default `RUN_DEADLINE_MINUTES`. */
  readonly deadlineMs?: number;
  /** Items per `queue.send`. Default 10 (the SQS batch limit). */
  readonly batchSize?: number;
  /** Sends and result writes in flight at once. Default 4. */
  readonly parallel?: number;
  /** A `counting` record older than this is taken over by a new split. Default 15 min. */
  readonly takeoverAfterMs?: number;
  readonly onInvalid?: (result: LineResult) => void;
}

export interface SplitOutcome {
  /** True when the run was already split (or is being split): nothing was done. */
  readonly duplicate: boolean;
  readonly record: RunRecord;
}

/**
 * Splits a list into work items.
 *
 * @throws PipelineError `NO_IMAGES` when the list has no image and no invalid line; the run
 *   record is then removed again, so a retry fails the same way.
 */
export async function splitList(opts: SplitOptions): Promise<SplitOutcome> {
  const keys = runKeys(opts.runId);
  const now = opts.now ?? (() => new Date());
  const started = now();
  const fresh: RunRecord = {
    version: 1,
    runId: opts.runId,
    list: opts.list ?? { name: opts.runId },
    settings: opts.settings,
    startedAt: started.toISOString(),
    splitStartedAt: started.toISOString(),
    deadline: new Date(started.getTime() + (opts.deadlineMs ?? RUN_DEADLINE_MINUTES * 60_000)).toISOString(),
    totalLines: 'counting',
  };
  let base = fresh;
  if (!(await opts.store.put(keys.record, encodeJson(fresh), { ...JSON_PUT, ifNoneMatch: true }))) {
    const existing = await readJson<RunRecord>(opts.store, keys.record);
    if (!existing) throw new PipelineError('CORRUPT_OBJECT', `${keys.record} vanished during split`);
    const age = started.getTime() - Date.parse(existing.splitStartedAt);
    if (existing.totalLines !== 'counting' || age < (opts.takeoverAfterMs ?? 15 * 60_000)) {
      return { duplicate: true, record: existing };
    }
    base = { ...existing, splitStartedAt: started.toISOString() };
    await opts.store.put(keys.record, encodeJson(base), JSON_PUT);
  }
  const counted = await sendLines(opts);
  if (counted.count === 0) {
    await opts.store.delete(keys.record);
    throw new PipelineError('NO_IMAGES', 'no images in list');
  }
  const record: RunRecord = {
    ...base,
    totalLines: counted.count,
    images: counted.images,
    invalid: counted.count - counted.images,
    lines: counted.ranges(),
  };
  await opts.store.put(keys.record, encodeJson(record), JSON_PUT);
  return { duplicate: false, record };
}

async function sendLines(opts: SplitOptions): Promise<RangeBuilder & { images: number }> {
  const pool = new TaskPool(opts.parallel ?? 4);
  const counted = Object.assign(new RangeBuilder(), { images: 0 });
  const size = Math.max(1, opts.batchSize ?? 10);
  let batch: WorkItem[] = [];
  const flush = async (): Promise<void> => {
    const items = batch;
    batch = [];
    if (items.length > 0) await pool.submit(() => opts.queue.send(items));
  };
  for await (const parsed of opts.lines) {
    counted.add(parsed.line);
    if (parsed.kind === 'image') {
      counted.images++;
      const { line, input, source, destination } = parsed;
      batch.push({ runId: opts.runId, line, input, source, destination });
      if (batch.length >= size) await flush();
    } else {
      const result: LineResult = { line: parsed.line, input: parsed.input, status: 'INVALID', code: parsed.code, message: parsed.message };
      await pool.submit(async () => {
        if (await putResultOnce(opts.store, resultKey(opts.runId, parsed.line), result)) opts.onInvalid?.(result);
      });
    }
  }
  await flush();
  await pool.drain();
  return counted;
}
