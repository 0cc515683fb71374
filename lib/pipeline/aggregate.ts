/**
 * Aggregate: close a run once every counted line has a result (or, with `force`, at the
 * deadline: the sweeper). Writes `report.json`, `report.html`, `report.xml` (JUnit), `summary.json`,
 * the failed file (deleted when nothing FAILED or ERRORed) and finally the `done` marker.
 *
 * Safe to call any number of times, concurrently too: the set of results is frozen before
 * outputs are built (forced NO_RESULT lines are created with `ifNoneMatch` like every result),
 * and every aggregator takes `finishedAt` from the same `aggregating.json` claim, so they all
 * write the same bytes. Once `done` exists the stored outputs are returned as they are.
 */
import type { LineResult } from '../core/types.js';
import { buildJsonReport, failedFileContent, summarize, type JsonReport, type Summary } from '../core/report.js';
import type { ObjectStore } from '../ports.js';
import { PipelineError } from './errors.js';
import { lineOfResultKey, resultKey, runKeys, type RunKeys } from './run-layout.js';
import { encodeJson, expandRanges, JSON_PUT, putResultOnce, readJson, type ListRef, type RunRecord } from './run-record.js';
import { TaskPool } from './task-pool.js';
import { renderHtmlReport } from '../report/html.js';
import { renderJunitReport } from '../report/junit.js';

/** `summary.json`: counts plus run facts. */
export interface RunSummary extends Summary {
  readonly runId: string;
  readonly list: ListRef;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** Closed by the sweeper rather than by completion. */
  readonly forced: boolean;
  /** Lines recorded as ERROR NO_RESULT because they had no result. */
  readonly missing: number;
}

export interface RunOutputs {
  readonly summary: RunSummary;
  readonly report: JsonReport;
  /** Every line's result, in line order. */
  readonly results: readonly LineResult[];
}

export interface AggregateOptions {
  readonly now?: () => Date;
  /** Close the run even if lines are missing (sweeper, past the deadline). */
  readonly force?: boolean;
  /** Original inputs of missing lines (e.g. read back from the list object); else input is ''. */
  readonly lookupInputs?: (lines: readonly number[]) => Promise<ReadonlyMap<number, string>>;
  /** Result objects read in parallel. Default 16. */
  readonly readConcurrency?: number;
}

export const NO_RESULT_MESSAGE = 'no result: the line was lost before validation finished';

/** Closes the run when complete; resolves its outputs, or null while lines are missing. */
export async function finalizeRun(runId: string, store: ObjectStore, opts: AggregateOptions = {}): Promise<RunOutputs | null> {
  const keys = runKeys(runId);
  if (await store.head(keys.done)) {
    const [summary, report] = await Promise.all([readJson<RunSummary>(store, keys.summary), readJson<JsonReport>(store, keys.report)]);
    if (summary && report) return { summary, report, results: report.results as LineResult[] };
  }
  const record = await readJson<RunRecord>(store, keys.record);
  if (!record) throw new PipelineError('RUN_NOT_FOUND', `run ${runId} has no run record`);
  const force = opts.force ?? false;
  if (record.totalLines === 'counting' && !force) return null;
  const present = await listResultLines(store, keys);
  const expected = record.lines ? [...expandRanges(record.lines)] : [...present].sort((a, b) => a - b);
  const missing = expected.filter((n) => !present.has(n));
  if (missing.length > 0 && !force) return null;
  if (missing.length > 0) await recordMissing(runId, store, missing, opts);
  const now = opts.now ?? (() => new Date());
  const claim = await claimFinish(store, keys, now());
  const results = await readResults(runId, store, expected, opts.readConcurrency ?? 16);
  const report = buildJsonReport(results, {
    runId,
    startedAt: record.startedAt,
    finishedAt: claim.finishedAt,
    settings: record.settings,
  });
  const summary: RunSummary = {
    ...summarize(results),
    runId,
    list: record.list,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    durationMs: report.summary.durationMs,
    forced: force && missing.length > 0,
    missing: missing.length,
  };
  await writeOutputs(store, keys, summary, report, results);
  return { summary, report, results };
}

async function listResultLines(store: ObjectStore, keys: RunKeys): Promise<Set<number>> {
  const lines = new Set<number>();
  for await (const key of store.list(keys.resultsPrefix)) {
    const n = lineOfResultKey(key);
    if (n !== null) lines.add(n);
  }
  return lines;
}

async function recordMissing(runId: string, store: ObjectStore, missing: readonly number[], opts: AggregateOptions): Promise<void> {
  const inputs = opts.lookupInputs ? await opts.lookupInputs(missing) : new Map<number, string>();
  const pool = new TaskPool(opts.readConcurrency ?? 16);
  for (const line of missing) {
    const result: LineResult = { line, input: inputs.get(line) ?? '', status: 'ERROR', code: 'NO_RESULT', message: NO_RESULT_MESSAGE };
    await pool.submit(() => putResultOnce(store, resultKey(runId, line), result));
  }
  await pool.drain();
}

async function claimFinish(store: ObjectStore, keys: RunKeys, now: Date): Promise<{ finishedAt: string }> {
  const mine = { finishedAt: now.toISOString() };
  if (await store.put(keys.claim, encodeJson(mine), { ...JSON_PUT, ifNoneMatch: true })) return mine;
  return (await readJson<{ finishedAt: string }>(store, keys.claim)) ?? mine;
}

async function readResults(runId: string, store: ObjectStore, lines: readonly number[], concurrency: number): Promise<LineResult[]> {
  const out = new Array<LineResult>(lines.length);
  const pool = new TaskPool(concurrency);
  for (const [i, line] of lines.entries()) {
    await pool.submit(async () => {
      const key = resultKey(runId, line);
      const r = await readJson<LineResult>(store, key);
      if (!r) throw new PipelineError('CORRUPT_OBJECT', `${key} disappeared during aggregation`);
      out[i] = r;
    });
  }
  await pool.drain();
  return out;
}

/** Request totals and the last Docker Hub headroom seen (by line order). */
async function writeOutputs(store: ObjectStore, keys: RunKeys, summary: RunSummary, report: JsonReport, results: readonly LineResult[]): Promise<void> {
  const failed = failedFileContent(results.filter((r) => r.input.trim() !== ''));
  await store.put(keys.report, encodeJson(report), JSON_PUT);
  const listName = summary.list?.name ?? summary.runId;
  await store.put(keys.reportHtml, renderHtmlReport(report, { listName }), { contentType: 'text/html; charset=utf-8' });
  await store.put(keys.reportXml, renderJunitReport(report, { listName }), { contentType: 'application/xml; charset=utf-8' });
  await store.put(keys.summary, encodeJson(summary), JSON_PUT);
  if (failed.length > 0) await store.put(keys.failed, failed, { contentType: 'text/plain; charset=utf-8' });
  else await store.delete(keys.failed);
  await store.put(keys.done, encodeJson({ finishedAt: summary.finishedAt }), { ...JSON_PUT, ifNoneMatch: true });
}
