/**
 * Aggregate: close a run once every counted line has a result (or, with `force`, at the
 * deadline: missing lines become ERROR NO_RESULT). Each call compacts the shards that are
 * complete (compact.ts); once all are, it writes `report.json`, `report.html`, `report.xml`
 * (JUnit) in one pass over the shards, the failed file by an external merge of the shards' sorted
 * parts (deleted when nothing FAILED or ERRORed), `summary.json`, and finally the `done` marker.
 * Memory does not grow with the list; see run-outputs.ts and failed-merge.ts.
 *
 * With `compare`, the run is also compared with the previous run of its list (compare-runs.ts):
 * `report.json` gains `changes`, `report.html` opens with them, `summary.json` gains the counts.
 *
 * Safe to call any number of times, concurrently too: shards are created once from results
 * that are created once, and every aggregator takes `finishedAt` (and the previous run it is
 * compared with) from the same `aggregating.json` claim, so they all write the same bytes. Once
 * `done` exists the stored summary is returned as it is.
 */
import { changesOf, regressed, type PreviousRun } from '../core/changes.js';
import { reportHead, type ReportLine } from '../core/report.js';
import type { ObjectStore, ObjectWriter } from '../ports.js';
import { CONTENT_TYPES } from '../report/format.js';
import type { ReportView } from '../report/formatter.js';
import { compactRun, type CompactOptions } from './compact.js';
import { changeEntries, compareRun, importBaseline, writeRunKeys } from './compare-runs.js';
import { PipelineError } from './errors.js';
import { runKeys, shardFailedKey, type RunKeys } from './run-layout.js';
import { encodeJson, JSON_PUT, readJson, type ListRef, type RunRecord } from './run-record.js';
import { readTotals, runResults, writeReports, type ReportTarget } from './run-outputs.js';
import { mergeSorted } from './sorted-merge.js';
import type { Summary } from '../core/report.js';

export { NO_RESULT_MESSAGE } from './shards.js';

/** `summary.json`: counts plus run facts. */
export interface RunSummary extends Summary {
  readonly runId: string;
  readonly list: ListRef;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** Closed by a forced aggregation (the deadline passed) with lines that had no result. */
  readonly forced: boolean;
  /** Lines recorded as ERROR NO_RESULT because they had no result. */
  readonly missing: number;
  /** A run compared with the previous run of its list: that run (null: there was none). */
  readonly previous?: PreviousRun | null;
  /** Lines that newly need attention, and lines that no longer do (compared runs). */
  readonly newlyFailing?: number;
  readonly recovered?: number;
  /** Some line newly needs attention (compared runs). */
  readonly regressed?: boolean;
}

/**
 * How a run finds what to compare with: `find` names the previous run (null: none), and
 * `keysOf` gives that run's sorted key file (a key in the store) or its results to import.
 */
export interface Comparison {
  find(): Promise<PreviousRun | null>;
  keysOf(run: PreviousRun): Promise<string | AsyncIterable<ReportLine>>;
}

export interface RunOutputs {
  readonly summary: RunSummary;
}

export type AggregateOptions = Omit<CompactOptions, 'keys'> & {
  readonly now?: () => Date;
  /** Compare the run with the previous run of its list (`changes`); the first aggregator's choice is kept in the claim. */
  readonly compare?: Comparison;
};

/** A run whose shards are all compacted and whose finish is claimed: ready for its outputs. */
export interface ClosedRun {
  readonly runId: string;
  readonly record: RunRecord;
  readonly shards: readonly number[];
  readonly failedShards: readonly number[];
  readonly view: ReportView;
  readonly summary: RunSummary;
}

export type CloseOutcome =
  | { readonly closed: ClosedRun }
  | { readonly closed: null; /** Stopped early with work left: check again soon. */ readonly stopped: boolean };

/** Compacts what is complete; when every shard is, claims the finish and reads the totals. */
export async function closeRun(runId: string, store: ObjectStore, opts: AggregateOptions = {}): Promise<CloseOutcome> {
  const keys = runKeys(runId);
  const record = await readJson<RunRecord>(store, keys.record);
  if (!record) throw new PipelineError('RUN_NOT_FOUND', `run ${runId} has no run record`);
  if (record.totalLines === 'counting' && !opts.force) return { closed: null, stopped: false };
  const compacted = await compactRun(store, record, { ...opts, keys: opts.compare !== undefined });
  if (!compacted.complete) return { closed: null, stopped: compacted.stopped };
  const found = opts.compare ? { previous: await opts.compare.find() } : {};
  const claim = await claimFinish(store, keys, { finishedAt: (opts.now ?? (() => new Date()))().toISOString(), ...found });
  const { totals, missing, failedShards } = await readTotals(store, runId, compacted.shards, opts.concurrency);
  const changes = opts.compare ? await compare(store, runId, compacted.shards, opts.compare, claim.previous ?? null) : undefined;
  const head = reportHead(totals, { runId, startedAt: record.startedAt, finishedAt: claim.finishedAt, settings: record.settings });
  const summary: RunSummary = {
    ...head.summary, runId, list: record.list, startedAt: head.startedAt, finishedAt: head.finishedAt, forced: missing > 0, missing,
    ...(changes ? {
      previous: changes.counts.previous, newlyFailing: changes.counts.newlyFailing, recovered: changes.counts.recovered, regressed: regressed(changes.counts),
    } : {}),
  };
  const view: ReportView = {
    head: changes ? { ...head, changes: changesOf(changes.counts, [], []) } : head, codes: totals.codes, ...(changes ? { changes } : {}),
  };
  return { closed: { runId, record, shards: compacted.shards, failedShards, view, summary } };
}

/** The run's key file, then the join with the previous run's. */
async function compare(store: ObjectStore, runId: string, shards: readonly number[], how: Comparison, previous: PreviousRun | null) {
  await writeRunKeys(store, runId, shards);
  if (!previous) return compareRun(store, runId, null);
  const keys = await how.keysOf(previous);
  const keysKey = typeof keys === 'string' ? keys : await importBaseline(store, runId, keys);
  return compareRun(store, runId, { run: previous, keysKey });
}

export interface OutputTargets {
  readonly reports: readonly ReportTarget[];
  /** Writers of the failed file, opened only when a line failed. */
  readonly failed: () => readonly ObjectWriter[];
}

/** Streams the reports and the failed file of `run` to `targets`; resolves the failed file's line count. */
export async function writeRunOutputs(store: ObjectStore, run: ClosedRun, targets: OutputTargets): Promise<number> {
  const listName = run.summary.list?.name ?? run.runId;
  const changes = run.view.changes ? (kind: Parameters<typeof changeEntries>[2]) => changeEntries(store, run.runId, kind) : undefined;
  if (targets.reports.length > 0) await writeReports(runResults(store, run.runId, run.shards), run.view, listName, targets.reports, changes);
  if (run.failedShards.length === 0) return 0;
  return mergeSorted(store, run.failedShards.map((k) => shardFailedKey(run.runId, k)), targets.failed(), { tempPrefix: `${runKeys(run.runId).mergePrefix}failed/` });
}

/** The run's own outputs under `runs/<runId>/`. */
export function storeTargets(store: ObjectStore, runId: string): OutputTargets {
  const keys = runKeys(runId);
  return {
    reports: [
      { format: 'json', indent: 0, writer: store.openWriter(keys.report, { contentType: CONTENT_TYPES.json }) },
      { format: 'html', writer: store.openWriter(keys.reportHtml, { contentType: CONTENT_TYPES.html }) },
      { format: 'junit', writer: store.openWriter(keys.reportXml, { contentType: CONTENT_TYPES.junit }) },
    ],
    failed: () => [store.openWriter(keys.failed, { contentType: 'text/plain; charset=utf-8' })],
  };
}

/** Writes `summary.json`, removes a stale failed file when nothing failed, then `done`. */
export async function markFinished(store: ObjectStore, run: ClosedRun, failedLines: number): Promise<void> {
  const keys = runKeys(run.runId);
  await store.put(keys.summary, encodeJson(run.summary), JSON_PUT);
  if (failedLines === 0) await store.delete(keys.failed);
  await store.put(keys.done, encodeJson({ finishedAt: run.summary.finishedAt }), { ...JSON_PUT, ifNoneMatch: true });
}

/** Closes the run when complete and writes its outputs; resolves its summary, or null while it is open. */
export async function finalizeRun(runId: string, store: ObjectStore, opts: AggregateOptions = {}): Promise<RunOutputs | null> {
  return (await finalize(runId, store, opts)).outputs;
}

/** {@link finalizeRun}, also telling whether an open run stopped early with work left. */
export async function finalize(runId: string, store: ObjectStore, opts: AggregateOptions = {}): Promise<{ outputs: RunOutputs | null; stopped: boolean }> {
  const keys = runKeys(runId);
  if (await store.head(keys.done)) {
    const summary = await readJson<RunSummary>(store, keys.summary);
    if (summary) return { outputs: { summary }, stopped: false };
  }
  const outcome = await closeRun(runId, store, opts);
  if (!outcome.closed) return { outputs: null, stopped: outcome.stopped };
  const failed = await writeRunOutputs(store, outcome.closed, storeTargets(store, runId));
  await markFinished(store, outcome.closed, failed);
  return { outputs: { summary: outcome.closed.summary }, stopped: false };
}

/** `aggregating.json`: when the run finished and, for a compared run, what it is compared with. */
interface Claim {
  readonly finishedAt: string;
  readonly previous?: PreviousRun | null;
}

/** The first aggregator's claim wins; every later one takes its time and its previous run. */
async function claimFinish(store: ObjectStore, keys: RunKeys, mine: Claim): Promise<Claim> {
  if (await store.put(keys.claim, encodeJson(mine), { ...JSON_PUT, ifNoneMatch: true })) return mine;
  return (await readJson<Claim>(store, keys.claim)) ?? mine;
}
