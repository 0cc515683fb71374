/**
 * The sweeper's use case (every 5 minutes), so that every run finishes:
 *
 * 1. Drains the work dead-letter queue: each work item becomes an ERROR result with its last
 *    error unknown (`gave up after N attempts: the message landed in the dead-letter queue`),
 *    unless its line already has a result. A message that is not a work item cannot be
 *    attributed to a line; it is logged and deleted (its run's line is closed by step 2).
 * 2. Looks at recent runs (run ids start with their UTC start time, so `runs/` is listed from
 *    `now - lookbackMs` only, at most `maxRuns`): a run past its deadline that is not done is
 *    closed with `force` (missing lines become ERROR `NO_RESULT`, their input read back from
 *    `runs/<runId>/list.txt`), for at most `forceBudgetMs`: the aggregator, which forces runs
 *    past their deadline too, finishes a larger one; every open or unpublished run gets a
 *    progress note, so a lost note never leaves a run unfinished.
 */
import type { ObjectStore, WorkQueue } from '../ports.js';
import { finalizeRun } from '../pipeline/aggregate.js';
import { recordDeadLetters } from '../pipeline/process.js';
import { assertRunId, runKeys, RUNS_PREFIX } from '../pipeline/run-layout.js';
import { readJson, type RunRecord } from '../pipeline/run-record.js';
import { publishKeys } from './complete-run.js';
import { errorFields, type Logger } from './logger.js';
import type { ProgressNote } from './runtime.js';
import { listInputs } from './list-inputs.js';
import { listComparison } from './previous-run.js';
import { timeStamp } from './triggers.js';
import { isWorkItem } from './work-item.js';

export interface SweepDeps {
  readonly store: ObjectStore;
  /** The work queue's dead-letter queue; bodies are whatever landed there (not always work items). */
  readonly deadLetters: WorkQueue<unknown>;
  readonly progress: WorkQueue<ProgressNote>;
  readonly maxReceiveCount: number;
  readonly log: Logger;
  readonly now?: () => Date;
  /** Runs started before `now - lookbackMs` are not looked at. Default deadline + 24 h. */
  readonly lookbackMs: number;
  readonly maxRuns?: number;
  readonly maxDeadLetters?: number;
  /** Time spent forcing one overdue run before leaving the rest to the aggregator. Default 2 min. */
  readonly forceBudgetMs?: number;
}

export interface SweepReport {
  readonly deadLetters: number;
  readonly closed: readonly string[];
  readonly noted: readonly string[];
}

async function drainDeadLetters(deps: SweepDeps, runs: Set<string>): Promise<number> {
  let handled = 0;
  while (handled < (deps.maxDeadLetters ?? 1000)) {
    const messages = await deps.deadLetters.receive(10, 0);
    if (messages.length === 0) break;
    for (const m of messages) {
      if (isWorkItem(m.body)) {
        await recordDeadLetters([m.body], deps.store, deps.maxReceiveCount);
        runs.add(m.body.runId);
      } else {
        deps.log.error('dead letter is not a work item; deleted', { messageId: m.id });
      }
      await deps.deadLetters.ack(m);
      handled++;
    }
  }
  return handled;
}

async function* recentRuns(deps: SweepDeps, since: Date): AsyncGenerator<string> {
  let seen = 0;
  for await (const folder of deps.store.listFolders(RUNS_PREFIX, { startAfter: `${RUNS_PREFIX}${timeStamp(since)}` })) {
    const runId = folder.slice(RUNS_PREFIX.length, -1);
    try {
      assertRunId(runId);
    } catch {
      continue;
    }
    if (++seen > (deps.maxRuns ?? 500)) return;
    yield runId;
  }
}

/** One sweep; see the module doc. Errors of one run are logged and do not stop the others. */
export async function sweep(deps: SweepDeps): Promise<SweepReport> {
  const now = deps.now ?? (() => new Date());
  const notes = new Set<string>();
  const closed: string[] = [];
  const deadLetters = await drainDeadLetters(deps, notes);
  for await (const runId of recentRuns(deps, new Date(now().getTime() - deps.lookbackMs))) {
    try {
      const keys = runKeys(runId);
      if (await deps.store.head(keys.done)) {
        if (!(await deps.store.head(publishKeys(runId).published))) notes.add(runId);
        continue;
      }
      const record = await readJson<RunRecord>(deps.store, keys.record);
      if (!record) continue;
      if (now().getTime() > Date.parse(record.deadline)) {
        // Bounded: what is not closed by then the aggregator finishes, forcing too (past the deadline).
        const outputs = await finalizeRun(runId, deps.store, {
          now, force: true, inputs: () => listInputs(deps.store, record), deadline: Date.now() + (deps.forceBudgetMs ?? 120_000),
          compare: listComparison(deps.store, record.list.name, { runId, startedAt: record.startedAt }),
        });
        if (outputs) closed.push(runId);
      }
      notes.add(runId);
    } catch (err) {
      deps.log.error('sweep of a run failed', { runId, ...errorFields(err) });
    }
  }
  if (notes.size > 0) await deps.progress.send([...notes].map((runId) => ({ runId })));
  return { deadLetters, closed, noted: [...notes] };
}
