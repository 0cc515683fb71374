/**
 * The aggregator's use case for one run: compact what is complete and close the run when all
 * is (`finalize`: outputs under `runs/<runId>/`, compared with the run published for its list,
 * previous-run.ts; a run past its deadline is closed by force, as the sweeper does), copy it to
 * `results/<list>/` unless a newer run is there (latest.ts), put
 * the completion event once, and mark the run `published`. Safe to repeat and to run
 * concurrently: outputs are identical for every aggregator, the copy converges on the newest
 * run, and the event is claimed (`event.json`, create-only) so only one aggregator puts it; a
 * claim older than `eventLeaseMs` without `published` is taken over (the claimer died).
 */
import type { ObjectStore } from '../ports.js';
import { finalize } from '../pipeline/aggregate.js';
import { runKeys } from '../pipeline/run-layout.js';
import { encodeJson, JSON_PUT, readJson, type RunRecord } from '../pipeline/run-record.js';
import { listInputs } from './list-inputs.js';
import { listComparison } from './previous-run.js';
import { changeFields, LIST_KEY_FATAL, outcomeOf, putCompletionEvent, type EventTarget, type FinishedSummary } from './events.js';
import { publishLatest, resultsPrefix } from './latest.js';

export interface CompleteRunDeps {
  readonly store: ObjectStore;
  /** Named in the completion event. */
  readonly bucket: string;
  readonly events: EventTarget;
  readonly now?: () => Date;
  readonly eventLeaseMs?: number;
  /** `Date.now()` after which compaction starts no new shard (the outputs need the rest of the invocation). */
  readonly deadline?: number;
  /** Result keys a check lists at most. Default {@link MAX_SCAN_KEYS}. */
  readonly maxScanKeys?: number;
  /** Only these shards may have changed (the validators' notes); absent: check every open shard. */
  readonly shards?: ReadonlySet<number>;
}

/** Result keys one check lists at most (100 LIST requests), so a check stays short at any list size. */
export const MAX_SCAN_KEYS = 100_000;

/** `more`: still open, and the check stopped with work left (check again soon). */
export type CompleteStatus = 'incomplete' | 'more' | 'completed' | 'already-published';

/** `runs/<runId>/published` and `runs/<runId>/event.json`. */
export function publishKeys(runId: string): { published: string; eventClaim: string } {
  const { prefix } = runKeys(runId);
  return { published: `${prefix}published`, eventClaim: `${prefix}event.json` };
}

async function claimEvent(deps: CompleteRunDeps, key: string, now: Date): Promise<boolean> {
  const mine = encodeJson({ claimedAt: now.toISOString() });
  if (await deps.store.put(key, mine, { ...JSON_PUT, ifNoneMatch: true })) return true;
  const held = await readJson<{ claimedAt: string }>(deps.store, key);
  if (held && now.getTime() - Date.parse(held.claimedAt) < (deps.eventLeaseMs ?? 5 * 60_000)) return false;
  await deps.store.put(key, mine, JSON_PUT);
  return true;
}

/** Completes run `runId` if every line has a result; see the module doc. */
export async function completeRun(runId: string, deps: CompleteRunDeps): Promise<CompleteStatus> {
  const now = deps.now ?? (() => new Date());
  const keys = publishKeys(runId);
  if (await deps.store.head(keys.published)) return 'already-published';
  const record = await readJson<RunRecord>(deps.store, runKeys(runId).record);
  const overdue = record !== null && now().getTime() > Date.parse(record.deadline);
  const { outputs, stopped } = await finalize(runId, deps.store, {
    now, deadline: deps.deadline, maxScanKeys: deps.maxScanKeys ?? MAX_SCAN_KEYS, ...(deps.shards && !overdue ? { only: deps.shards } : {}),
    ...(record ? { compare: listComparison(deps.store, record.list.name, { runId, startedAt: record.startedAt }) } : {}),
    ...(overdue && record ? { force: true, inputs: () => listInputs(deps.store, record) } : {}),
  });
  if (!outputs) return stopped ? 'more' : 'incomplete';
  const summary = outputs.summary as FinishedSummary;
  const listName = summary.list.name;
  // A run whose key cannot name a list is not copied to results/: there is no list name to copy it to.
  const named = summary.fatal?.code !== LIST_KEY_FATAL;
  const latest = named
    ? await publishLatest({ store: deps.store, listName, run: { runId, startedAt: summary.startedAt } })
    : { current: runId };
  if (!(await claimEvent(deps, keys.eventClaim, now()))) return 'completed';
  const failedKey = (await deps.store.head(runKeys(runId).failed)) ? runKeys(runId).failed : undefined;
  await putCompletionEvent(deps.events, {
    runId, list: listName, outcome: outcomeOf(summary), summary, bucket: deps.bucket, ...changeFields(summary),
    runPrefix: runKeys(runId).prefix, ...(named ? { resultsPrefix: resultsPrefix(listName) } : {}), ...(failedKey ? { failedKey } : {}),
  });
  await deps.store.put(keys.published, encodeJson({ publishedAt: now().toISOString(), latest: latest.current }), JSON_PUT);
  return 'completed';
}
