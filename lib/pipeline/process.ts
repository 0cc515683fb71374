/**
 * Process: validate a batch of work messages and record one result per line. The validator
 * Lambda calls it with an SQS batch (its `failedIds` become `batchItemFailures`); the local
 * runner calls it from its workers.
 *
 * - Idempotent: a line whose result exists is not validated again, and results are created
 *   with `ifNoneMatch`, so the first final result wins and a duplicate delivery changes nothing.
 * - A validate that throws (it should not: crashes, bugs, lost connections to the bucket) is
 *   retried by redelivery: the message id is returned in `failedIds`.
 * - When a message has been received `maxReceiveCount` times and validate still throws, the
 *   line is recorded as ERROR instead, so it never reaches the dead-letter queue. Its code is
 *   the error's own `ErrorCode` when it carries one (e.g. `TIMEOUT`), else `NO_RESULT` (we
 *   could not produce a verdict; we do not claim a network problem we did not see). Message:
 *   `gave up after N attempts: <last error>`.
 */
import { isErrorCode, type ErrorCode, type LineResult } from '../core/types.js';
import type { WorkItem } from '../core/settings.js';
import { isCodedError } from '../core/errors.js';
import { formatReference } from '../core/ref.js';
import type { ObjectStore, QueueMessage } from '../ports.js';
import { resultKey } from './run-layout.js';
import { putResultOnce } from './run-record.js';
import { TaskPool } from './task-pool.js';

export interface ProcessDeps {
  readonly validate: (item: WorkItem) => Promise<LineResult>;
  readonly store: ObjectStore;
  /** The queue's redrive `maxReceiveCount`: the receive at which we stop retrying. */
  readonly maxReceiveCount: number;
  /** Validations in flight at once. Default 1. */
  readonly concurrency?: number;
  /** Called for every result this call recorded (not for duplicates). */
  readonly onResult?: (result: LineResult) => void;
}

export interface ProcessOutcome {
  /** Ids of messages to redeliver (SQS `batchItemFailures`). */
  readonly failedIds: string[];
}

const MAX_MESSAGE = 500;

/** Validates and records every message; never throws. */
export async function processMessages(messages: readonly QueueMessage<WorkItem>[], deps: ProcessDeps): Promise<ProcessOutcome> {
  const failedIds: string[] = [];
  const pool = new TaskPool(deps.concurrency ?? 1);
  for (const msg of messages) {
    await pool.submit(async () => {
      if (!(await processOne(msg, deps))) failedIds.push(msg.id);
    });
  }
  await pool.drain();
  return { failedIds: messages.map((m) => m.id).filter((id) => failedIds.includes(id)) };
}

/** True when the line is settled (recorded now or before); false to redeliver. */
async function processOne(msg: QueueMessage<WorkItem>, deps: ProcessDeps): Promise<boolean> {
  const item = msg.body;
  try {
    const key = resultKey(item.runId, item.line);
    if (await deps.store.head(key)) return true;
    let result: LineResult;
    try {
      result = { ...(await deps.validate(item)), line: item.line };
    } catch (err) {
      if (msg.receiveCount < deps.maxReceiveCount) return false;
      result = gaveUpResult(item, msg.receiveCount, err);
    }
    if (await putResultOnce(deps.store, key, result)) deps.onResult?.(result);
    return true;
  } catch {
    return false;
  }
}

/** The ERROR result of a line whose validation kept failing (also used for dead letters). */
export function gaveUpResult(item: WorkItem, attempts: number, err: unknown): LineResult {
  const code: ErrorCode = isCodedError(err) && isErrorCode(err.code) ? err.code : 'NO_RESULT';
  const reason = err instanceof Error ? err.message : String(err);
  const text = `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`;
  return {
    line: item.line,
    input: item.input,
    status: 'ERROR',
    code,
    message: text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text,
    source: formatReference(item.source),
    destination: formatReference(item.destination),
  };
}

/**
 * Records dead-lettered items as ERROR (for a DLQ consumer, and the local runner). Lines that
 * already have a result keep it. Resolves the number of lines recorded.
 */
export async function recordDeadLetters(
  items: readonly WorkItem[], store: ObjectStore, attempts: number, onResult?: (result: LineResult) => void,
): Promise<number> {
  let written = 0;
  for (const item of items) {
    const result = gaveUpResult(item, attempts, new Error('the message landed in the dead-letter queue'));
    if (await putResultOnce(store, resultKey(item.runId, item.line), result)) {
      written++;
      onResult?.(result);
    }
  }
  return written;
}
