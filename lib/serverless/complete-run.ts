/**
 * The aggregator's use case for one run: close it if complete (`finalizeRun`: outputs under
 * `runs/<runId>/`), copy it to `results/<list>/` unless a newer run is there (latest.ts), put
 * the completion event once, and mark the run `published`. Safe to repeat and to run
 * concurrently: outputs are identical for every aggregator, the copy converges on the newest
 * run, and the event is claimed (`event.json`, create-only) so only one aggregator puts it; a
 * claim older than `eventLeaseMs` without `published` is taken over (the claimer died).
 */
import type { ObjectStore } from '../ports.js';
import { finalizeRun, type AggregateOptions } from '../pipeline/aggregate.js';
import { runKeys } from '../pipeline/run-layout.js';
import { encodeJson, JSON_PUT, readJson } from '../pipeline/run-record.js';
import { LIST_KEY_FATAL, outcomeOf, putCompletionEvent, type EventTarget, type FinishedSummary } from './events.js';
import { publishLatest, resultsPrefix } from './latest.js';

export interface CompleteRunDeps {
  readonly store: ObjectStore;
  /** Named in the completion event. */
  readonly bucket: string;
  readonly events: EventTarget;
  readonly now?: () => Date;
  readonly eventLeaseMs?: number;
  /** Passed to finalizeRun (the sweeper forces overdue runs). */
  readonly aggregate?: AggregateOptions;
}

export type CompleteStatus = 'incomplete' | 'completed' | 'already-published';

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
  const outputs = await finalizeRun(runId, deps.store, { now, ...deps.aggregate });
  if (!outputs) return 'incomplete';
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
    runId, list: listName, outcome: outcomeOf(summary), summary, bucket: deps.bucket,
    runPrefix: runKeys(runId).prefix, ...(named ? { resultsPrefix: resultsPrefix(listName) } : {}), ...(failedKey ? { failedKey } : {}),
  });
  await deps.store.put(keys.published, encodeJson({ publishedAt: now().toISOString(), latest: latest.current }), JSON_PUT);
  return 'completed';
}
