/**
 * The embedded mode: the whole pipeline in one process. The caller's work queue (a MemoryQueue
 * with a dead-letter queue in the CLI) plays SQS, `jobs` workers play the validator Lambdas, and
 * the given store (a directory or memory in the CLI) plays the bucket. Same use cases, same retry
 * and give-up paths as AWS.
 *
 * The run keeps its own count of the messages the split sent and that are not settled yet
 * (acked after their result was stored, or found in the dead-letter queue). When the split is
 * done and that count is zero, every long poll is ended (an AbortSignal) and the run is
 * aggregated. The count also bounds the queue: the split waits while `max(100, 20 x jobs)`
 * messages are unsettled. A line whose validate throws every time is recorded as ERROR at its
 * `maxReceiveCount`-th receive; anything that still reaches the dead-letter queue is recorded as
 * ERROR too, so the run always finishes with every line accounted once.
 */
import { setMaxListeners } from 'node:events';
import { MAX_RECEIVE_COUNT } from '../core/defaults.js';
import type { LineResult } from '../core/types.js';
import type { RunSettings, WorkItem } from '../core/settings.js';
import type { ParsedLine } from '../core/list.js';
import type { ObjectStore, ObjectWriter, QueueMessage, WorkQueue } from '../ports.js';
import { splitList } from './split.js';
import { processMessages, recordDeadLetters } from './process.js';
import { closeRun, markFinished, storeTargets, writeRunOutputs, type Comparison, type RunOutputs } from './aggregate.js';
import type { ListRef } from './run-record.js';
import type { ReportTarget } from './run-outputs.js';
import { RollingCompactor } from './rolling-compactor.js';

export interface LocalRunOptions {
  readonly runId: string;
  readonly list?: ListRef;
  readonly lines: AsyncIterable<ParsedLine>;
  readonly settings: RunSettings;
  readonly validate: (item: WorkItem) => Promise<LineResult>;
  readonly store: ObjectStore;
  /** An empty work queue for this run alone (the split fills it, the workers drain it). */
  readonly queue: WorkQueue<WorkItem>;
  /** The dead-letter queue `queue` moves a message to after `maxReceiveCount` receives. */
  readonly deadLetters: WorkQueue<WorkItem>;
  /** Parallel validations (the CLI clamps `--jobs` to 1..20 before). */
  readonly jobs: number;
  /** Receives before a throwing line is recorded as ERROR: the queue's. Default `MAX_RECEIVE_COUNT`. */
  readonly maxReceiveCount?: number;
  /** Delay before a failed line is retried, times its receive count. Default 1000 ms. */
  readonly retryDelayMs?: number;
  readonly now?: () => Date;
  /** Every result as it is recorded (INVALID lines during the split, others as validated). */
  readonly onResult?: (result: LineResult) => void;
  /** The number of counted lines, once the split has read the whole list. */
  readonly onTotal?: (total: number) => void;
  readonly onProgress?: (progress: { readonly recorded: number; readonly total: number | null }) => void;
  /** Where the reports and the failed file go. Default: the run's own outputs in the store only. */
  readonly outputs?: LocalOutputs;
  /**
   * Delete the line objects of each shard once it is compacted (rolling-compactor.ts): for a
   * store only this run uses and nobody reads afterwards (the CLI's memory store).
   */
  readonly dropLines?: boolean;
  /** Compare the run with a previous one (its report gains `changes`); see aggregate.ts. */
  readonly compare?: Comparison;
}

/** The outputs of a local run, written in one pass over its shards. */
export interface LocalOutputs {
  /** Also write the run's own outputs under `runs/<runId>/` in the store (as the aggregator does). */
  readonly keep: boolean;
  readonly reports: readonly ReportTarget[];
  /** Writers of the failed file, opened only when a line failed. */
  readonly failed: () => readonly ObjectWriter[];
}

export interface LocalRunOutcome extends RunOutputs {
  readonly runId: string;
  /** Lines in the failed file (0: none was written). */
  readonly failedLines: number;
}

/** Long polls end when the run does; this only bounds one wait. */
const POLL_MS = 60_000;

/** Thrown into the split when the run stops because another part failed (that failure is reported). */
const STOPPED = new Error('local run stopped');

/** The messages sent and not settled yet, each settled once however often it is acked or dead-lettered. */
class Unsettled {
  count = 0;
  private readonly settled = new Set<string>();
  private waiters: (() => void)[] = [];

  /** True when this settled `id` for the first time. */
  settle(id: string): boolean {
    if (this.settled.has(id)) return false;
    this.settled.add(id);
    this.count--;
    this.wake();
    return true;
  }

  /** Resolves at the next settle or `wake`. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * Runs the pipeline in-process and resolves the outputs.
 *
 * @throws PipelineError `NO_IMAGES` for a list without image or invalid lines; ListError
 *   `NOT_TEXT` from the line source; store and queue errors.
 */
export async function runLocally(opts: LocalRunOptions): Promise<LocalRunOutcome> {
  const maxReceiveCount = opts.maxReceiveCount ?? MAX_RECEIVE_COUNT;
  const capacity = Math.max(100, opts.jobs * 20);
  const stop = new AbortController();
  // Every worker's long poll (and the dead-letter one) listens to it: no leak warning at -j 11 and up.
  setMaxListeners(opts.jobs + 2, stop.signal);
  const unsettled = new Unsettled();
  const deadBodies: WorkItem[] = [];
  let splitDone = false;
  const settle = (m: QueueMessage<WorkItem>): void => {
    if (unsettled.settle(m.id) && splitDone && unsettled.count === 0) stop.abort();
  };
  let recorded = 0;
  let total: number | null = null;
  const rolling = new RollingCompactor(opts.store, opts.runId, opts.dropLines, opts.compare !== undefined);
  const onResult = (r: LineResult): void => {
    recorded++;
    rolling.recorded(r.line);
    opts.onResult?.(r);
    opts.onProgress?.({ recorded, total });
  };
  const feed: WorkQueue<WorkItem> = {
    send: async (bodies) => {
      while (unsettled.count >= capacity && !stop.signal.aborted) await unsettled.changed();
      if (stop.signal.aborted) throw STOPPED;
      unsettled.count += bodies.length;
      await opts.queue.send(bodies);
    },
    receive: (max, waitMs, signal) => opts.queue.receive(max, waitMs, signal),
    ack: (m) => opts.queue.ack(m),
    release: (m, delayMs) => opts.queue.release(m, delayMs),
  };
  const worker = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      const messages = await opts.queue.receive(1, POLL_MS, stop.signal);
      if (messages.length === 0) continue;
      const { failedIds } = await processMessages(messages, { validate: opts.validate, store: opts.store, maxReceiveCount, onResult });
      for (const m of messages) {
        if (failedIds.includes(m.id)) {
          await opts.queue.release(m, (opts.retryDelayMs ?? 1000) * m.receiveCount);
        } else {
          await opts.queue.ack(m);
          settle(m);
        }
      }
    }
  };
  const collectDeadLetters = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      for (const m of await opts.deadLetters.receive(10, POLL_MS, stop.signal)) {
        deadBodies.push(m.body);
        await opts.deadLetters.ack(m);
        settle(m);
      }
    }
  };
  const split = async (): Promise<void> => {
    const { record } = await splitList({
      runId: opts.runId, list: opts.list, lines: rolling.observe(opts.lines), queue: feed, store: opts.store, settings: opts.settings, now: opts.now, onInvalid: onResult,
    });
    total = record.totalLines === 'counting' ? null : record.totalLines;
    if (total !== null) opts.onTotal?.(total);
    splitDone = true;
    if (unsettled.count === 0) stop.abort();
  };
  stop.signal.addEventListener('abort', () => unsettled.wake());
  const tasks = [split(), collectDeadLetters(), ...Array.from({ length: Math.max(1, opts.jobs) }, worker)];
  const settled = await Promise.allSettled(tasks.map((p) => p.catch((err: unknown) => {
    stop.abort();
    throw err;
  })));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (failures.length > 0) throw failures.find((e) => e !== STOPPED) ?? failures[0];
  await recordDeadLetters(deadBodies, opts.store, maxReceiveCount, (r) => rolling.recorded(r.line));
  await rolling.finish();
  const how = { now: opts.now, ...(opts.compare ? { compare: opts.compare } : {}) };
  const closing = await closeRun(opts.runId, opts.store, how);
  const run = closing.closed ?? (await closeRun(opts.runId, opts.store, { ...how, force: true })).closed;
  if (!run) throw new Error(`run ${opts.runId} could not be aggregated`);
  const out = opts.outputs ?? { keep: true, reports: [], failed: () => [] };
  const own = out.keep ? storeTargets(opts.store, run.runId) : { reports: [], failed: () => [] };
  const failedLines = await writeRunOutputs(opts.store, run, {
    reports: [...own.reports, ...out.reports], failed: () => [...own.failed(), ...out.failed()],
  });
  if (out.keep) await markFinished(opts.store, run, failedLines);
  return { runId: opts.runId, summary: run.summary, failedLines };
}
