/**
 * The embedded mode: the whole pipeline in one process. A MemoryQueue (with a dead-letter
 * queue) plays SQS, `jobs` workers play the validator Lambdas, and the given store (a
 * directory in the CLI) plays the bucket. Same use cases, same retry and give-up paths as AWS.
 *
 * The workers end when the split is done and the queue holds no message (visible, delayed or
 * in flight). A line whose validate throws every time is recorded as ERROR at its
 * `maxReceiveCount`-th receive; anything that still reaches the dead-letter queue is recorded
 * as ERROR too, so the run always finishes with every line accounted once.
 */
import { MAX_RECEIVE_COUNT } from '../core/defaults.js';
import type { LineResult } from '../core/types.js';
import type { RunSettings, WorkItem } from '../core/settings.js';
import type { ParsedLine } from '../core/list.js';
import type { ObjectStore } from '../ports.js';
import { AdapterError } from '../adapters/errors.js';
import { MemoryQueue } from '../adapters/local/memory-queue.js';
import type { Clock } from '../adapters/local/clock.js';
import { splitList } from './split.js';
import { processMessages, recordDeadLetters } from './process.js';
import { finalizeRun, type RunOutputs } from './aggregate.js';
import type { ListRef } from './run-record.js';

export interface LocalRunOptions {
  readonly runId: string;
  readonly list?: ListRef;
  readonly lines: AsyncIterable<ParsedLine>;
  readonly settings: RunSettings;
  readonly validate: (item: WorkItem) => Promise<LineResult>;
  readonly store: ObjectStore;
  /** Parallel validations (the CLI clamps `--jobs` to 1..20 before). */
  readonly jobs: number;
  /** Receives before a throwing line is recorded as ERROR. Default `MAX_RECEIVE_COUNT`. */
  readonly maxReceiveCount?: number;
  /** Delay before a failed line is retried, times its receive count. Default 1000 ms. */
  readonly retryDelayMs?: number;
  /** Default 15 min: locally a message only times out if its worker is stuck. */
  readonly visibilityTimeoutMs?: number;
  readonly clock?: Clock;
  readonly now?: () => Date;
  /** Every result as it is recorded (INVALID lines during the split, others as validated). */
  readonly onResult?: (result: LineResult) => void;
  /** The number of counted lines, once the split has read the whole list. */
  readonly onTotal?: (total: number) => void;
  readonly onProgress?: (progress: { readonly recorded: number; readonly total: number | null }) => void;
}

export interface LocalRunOutcome extends RunOutputs {
  readonly runId: string;
}

/**
 * Runs the pipeline in-process and resolves the outputs.
 *
 * @throws PipelineError `NO_IMAGES` for a list without image or invalid lines; ListError
 *   `NOT_TEXT` from the line source; store errors.
 */
export async function runLocally(opts: LocalRunOptions): Promise<LocalRunOutcome> {
  const maxReceiveCount = opts.maxReceiveCount ?? MAX_RECEIVE_COUNT;
  const visibilityTimeoutMs = opts.visibilityTimeoutMs ?? 15 * 60_000;
  const dlq = new MemoryQueue<WorkItem>({ visibilityTimeoutMs, maxReceiveCount: Infinity, clock: opts.clock });
  let splitDone = false;
  const closeIfDone = (): void => {
    if (splitDone && queue.size() === 0) queue.close();
  };
  const queue: MemoryQueue<WorkItem> = new MemoryQueue<WorkItem>({
    visibilityTimeoutMs, maxReceiveCount, deadLetter: dlq, clock: opts.clock, capacity: Math.max(100, opts.jobs * 20), onEmpty: closeIfDone,
  });
  let recorded = 0;
  let total: number | null = null;
  const onResult = (r: LineResult): void => {
    recorded++;
    opts.onResult?.(r);
    opts.onProgress?.({ recorded, total });
  };
  const worker = async (): Promise<void> => {
    while (!queue.closed) {
      const messages = await queue.receive(1, 60_000);
      const { failedIds } = await processMessages(messages, { validate: opts.validate, store: opts.store, maxReceiveCount, onResult });
      for (const m of messages) {
        if (failedIds.includes(m.id)) await queue.release(m, (opts.retryDelayMs ?? 1000) * m.receiveCount);
        else await queue.ack(m);
      }
    }
  };
  const split = async (): Promise<void> => {
    const { record } = await splitList({
      runId: opts.runId, list: opts.list, lines: opts.lines, queue, store: opts.store, settings: opts.settings, now: opts.now, onInvalid: onResult,
    });
    total = record.totalLines === 'counting' ? null : record.totalLines;
    if (total !== null) opts.onTotal?.(total);
    splitDone = true;
    closeIfDone();
  };
  const settled = await Promise.allSettled([split(), ...Array.from({ length: Math.max(1, opts.jobs) }, worker)].map((p) =>
    p.catch((err: unknown) => {
      queue.close();
      throw err;
    })));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (failures.length > 0) throw failures.find((e) => !(e instanceof AdapterError && e.code === 'QUEUE_CLOSED')) ?? failures[0];
  await recordDeadLetters(dlq.bodies(), opts.store, maxReceiveCount);
  const outputs = await finalizeRun(opts.runId, opts.store, { now: opts.now })
    ?? await finalizeRun(opts.runId, opts.store, { now: opts.now, force: true });
  if (!outputs) throw new Error(`run ${opts.runId} could not be aggregated`);
  return { runId: opts.runId, ...outputs };
}
