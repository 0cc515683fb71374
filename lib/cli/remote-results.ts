/**
 * Results of a finished cloud run, read from the bucket (`runs/<id>/` or the per-list copy
 * `results/<list>/`) and written locally like a local run's: the failed file (a stale one is
 * deleted when nothing failed), each `--report` file rendered from `report.json` (streamed:
 * any size), the summary line, and the exit code (0 / 1, or 2 for a run that could not run).
 */
import type { ChangeEntry, ChangeKind } from '../core/changes.js';
import { addToTotals, changeSummaryOf, emptyTotals, runFailed, type FailOn, type JsonReport, type ReportLine, type Summary } from '../core/report.js';
import { reportChecker } from '../core/report-shape.js';
import { reportItems, ReportReadError, type ReportItem } from '../core/report-stream.js';
import type { LineResult } from '../core/types.js';
import type { ObjectStore } from '../ports.js';
import { FAILED_FILE_NAME, runKeys } from '../pipeline/run-layout.js';
import { readJson } from '../pipeline/run-record.js';
import { writeReports } from '../pipeline/run-outputs.js';
import { objectLines } from '../pipeline/text-lines.js';
import { FIRST_CHANGES, type ReportView } from '../report/formatter.js';
import { CliError } from './errors.js';
import { formatOf, outputFile, removeFailedFile } from './outputs.js';

/** `summary.json` as the pipeline writes it (RunSummary, plus `fatal` for runs that could not run). */
export interface RemoteSummary extends Summary {
  readonly runId: string;
  readonly list?: { readonly name?: string; readonly key?: string };
  readonly durationMs: number;
  readonly fatal?: { readonly code: string; readonly message: string };
  /** Since the previous run of the list (runs that were compared). */
  readonly previous?: { readonly runId: string; readonly finishedAt: string } | null;
  readonly newlyFailing?: number;
  readonly recovered?: number;
  readonly regressed?: boolean;
}

export interface FinishedRun {
  readonly summary: RemoteSummary;
  /** What the reports need before the lines: report.json's head, reason codes and first changes. */
  readonly view: ReportView;
  /** Results in report.json. */
  readonly lines: number;
  /** The report and failed file (null: none) read: the run's own, which never change. */
  readonly reportKey: string;
  readonly failedKey: string | null;
}

/**
 * Reads the outputs under `prefix` (ending in `/`); null when there are none. `report.json` is
 * read as a stream, its shape checked as it goes (a bucket is not trusted input); `onResult`
 * gets every result. The reports are written from a second pass (`writeFinished`), so a report
 * of any size is never held. For `results/<list>/` the run's own outputs under `runs/<runId>/`
 * are read: a newer run may replace the list's copy meanwhile.
 *
 * @throws CliError `REMOTE` naming the object and the first field that does not fit.
 */
export async function readFinished(store: ObjectStore, prefix: string, onResult?: (r: ReportLine) => void): Promise<FinishedRun | null> {
  const summaryJson = await readJson<unknown>(store, `${prefix}summary.json`);
  if (!summaryJson) return null;
  const fail = (key: string) => (message: string) => new CliError('REMOTE', `${prefix}${key} is not a mirror-validate ${key}: ${message}`);
  const summary = checkSummary(summaryJson, fail('summary.json'));
  let base = prefix;
  try {
    const own = runKeys(summary.runId).prefix;
    if (own !== prefix && (await store.head(`${own}report.json`))) base = own;
  } catch { /* not a run id the layout accepts: read the prefix's copies */ }
  const reportKey = `${base}report.json`;
  if (!(await store.head(reportKey))) return null;
  const failedKey = (await store.head(`${base}${FAILED_FILE_NAME}`)) ? `${base}${FAILED_FILE_NAME}` : null;
  const check = reportChecker(fail('report.json'));
  const totals = emptyTotals();
  const first: Record<ChangeKind, ChangeEntry[]> = { newlyFailing: [], recovered: [] };
  const listed: Record<ChangeKind, number> = { newlyFailing: 0, recovered: 0 };
  let head: Record<string, unknown> = {};
  let lines = 0;
  await readItems(store, reportKey, fail('report.json'), async (items) => {
    for await (const item of items) {
      if (item.array === 'results') {
        const r = check.result(item.value, item.index - 1);
        addToTotals(totals, r);
        lines++;
        onResult?.(r);
      } else if (item.array === 'newlyFailing' || item.array === 'recovered') {
        const e = check.change(item.array, item.value, item.index - 1);
        if (listed[item.array]++ < FIRST_CHANGES) first[item.array].push(e);
      }
    }
  }, (h) => { head = h; });
  check.head(head);
  const { results: _results, ...reportHead } = head as unknown as JsonReport;
  const changes = reportHead.changes ? {
    counts: { previous: reportHead.changes.previous, ...listed, stillFailing: reportHead.changes.stillFailing, added: reportHead.changes.added, removed: reportHead.changes.removed },
    first,
  } : undefined;
  return { summary, view: { head: reportHead, codes: totals.codes, ...(changes ? { changes } : {}) }, lines, reportKey, failedKey };
}

/** Runs `use` over the items of the report at `key`; a report of a layout or JSON this tool does not read is refused. */
async function readItems(
  store: ObjectStore, key: string, fail: (message: string) => Error,
  use: (items: AsyncIterable<ReportItem>) => Promise<void>, onHead: (head: Record<string, unknown>) => void = () => undefined,
): Promise<void> {
  try {
    await use(reportItems(objectLines(store, key), onHead));
  } catch (err) {
    if (err instanceof ReportReadError) throw fail(err.message);
    throw err;
  }
}

/** Checks the fields of `summary.json` that are printed or decide the exit code. */
function checkSummary(value: unknown, fail: (message: string) => Error): RemoteSummary {
  const o = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  if (typeof o.runId !== 'string') throw fail('runId: expected a string');
  for (const k of ['total', 'passed', 'failed', 'errors', 'skipped', 'invalid', 'durationMs']) {
    if (typeof o[k] !== 'number' || !Number.isSafeInteger(o[k]) || (o[k] as number) < 0) throw fail(`${k}: expected a whole number ≥ 0`);
  }
  const fatal = o.fatal as Record<string, unknown> | undefined;
  if (fatal !== undefined && (typeof fatal !== 'object' || fatal === null || typeof fatal.code !== 'string' || typeof fatal.message !== 'string')) {
    throw fail('fatal: expected { code, message } strings');
  }
  for (const k of ['newlyFailing', 'recovered']) {
    if (o[k] !== undefined && (typeof o[k] !== 'number' || !Number.isSafeInteger(o[k]) || (o[k] as number) < 0)) throw fail(`${k}: expected a whole number ≥ 0`);
  }
  if (o.regressed !== undefined && typeof o.regressed !== 'boolean') throw fail('regressed: expected true or false');
  const prev = o.previous as Record<string, unknown> | null | undefined;
  if (prev !== undefined && prev !== null && (typeof prev !== 'object' || typeof prev.runId !== 'string' || typeof prev.finishedAt !== 'string')) {
    throw fail('previous: expected null or { runId, finishedAt } strings');
  }
  const list = o.list as Record<string, unknown> | undefined;
  if (list !== undefined && (typeof list !== 'object' || list === null || !['name', 'key'].every((k) => list[k] === undefined || typeof list[k] === 'string'))) {
    throw fail('list: expected { name, key } strings');
  }
  return value as RemoteSummary;
}

export interface LocalTargets {
  /** Absent: leave any local failed file alone. */
  readonly failedFile?: string;
  readonly reportFiles: readonly string[];
}

/** Writes the failed file (or removes a stale one) and the reports, streaming from the bucket. */
export async function writeFinished(store: ObjectStore, run: FinishedRun, to: LocalTargets, listName: string): Promise<void> {
  if (to.failedFile !== undefined && run.failedKey) await copyTo(store, run.failedKey, to.failedFile);
  else if (to.failedFile !== undefined) await removeFailedFile(to.failedFile);
  if (to.reportFiles.length === 0) return;
  const fail = (message: string) => new CliError('REMOTE', `${run.reportKey} is not a mirror-validate report.json: ${message}`);
  const check = reportChecker(fail);
  await readItems(store, run.reportKey, fail, async (items) => {
    const section = sections(items[Symbol.asyncIterator]());
    const results = async function* (): AsyncGenerator<LineResult> {
      for await (const i of section('results')) yield check.result(i.value, i.index - 1) as LineResult;
    };
    const changes = async function* (kind: ChangeKind): AsyncGenerator<ChangeEntry> {
      for await (const i of section(kind)) yield check.change(kind, i.value, i.index - 1);
    };
    await writeReports(results(), run.view, listName, to.reportFiles.map((file) => ({ format: formatOf(file), writer: outputFile(file) })), changes);
  });
}

/** The items of one array after another, in file order, from one pass. */
function sections(items: AsyncIterator<ReportItem>): (array: string) => AsyncGenerator<ReportItem> {
  let next: ReportItem | null | undefined;
  return async function* section(array: string) {
    for (;;) {
      if (next === undefined) {
        const n = await items.next();
        next = n.done ? null : n.value;
      }
      if (next === null || next.array !== array) return;
      const item = next;
      next = undefined;
      yield item;
    }
  };
}

async function copyTo(store: ObjectStore, key: string, path: string): Promise<void> {
  const stream = await store.getStream(key);
  const w = outputFile(path);
  try {
    for await (const chunk of stream ?? []) await w.write(chunk);
    await w.close();
  } catch (err) {
    await w.abort();
    throw err;
  }
}

/**
 * 2 for a run that could not run, 1 when any line FAILED, ERRORed or was INVALID (with
 * `failOn: 'new'`: when some line newly did since the previous run of the list), else 0.
 */
export function remoteExitCode(s: RemoteSummary, failOn: FailOn = 'any'): number {
  if (s.fatal) return 2;
  return runFailed(s, failOn, changeSummaryOf(s)) ? 1 : 0;
}
