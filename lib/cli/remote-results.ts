/**
 * Results of a finished cloud run, read from the bucket (`runs/<id>/` or the per-list copy
 * `results/<list>/`) and written locally like a local run's: the failed file (a stale one is
 * deleted when nothing failed), each `--report` file rendered from `report.json`, the summary
 * line, and the exit code (0 / 1, or 2 for a run that could not run at all).
 */
import { rm, writeFile } from 'node:fs/promises';
import { changeSummaryOf, runFailed, type FailOn, type JsonReport, type Summary } from '../core/report.js';
import { checkJsonReport } from '../core/report-shape.js';
import type { ObjectStore } from '../ports.js';
import { FAILED_FILE_NAME } from '../pipeline/run-layout.js';
import { readJson } from '../pipeline/run-record.js';
import { CliError } from './errors.js';
import { writeReports } from './outputs.js';

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
  readonly report: JsonReport;
  readonly failed: string | null;
}

/**
 * Reads the outputs under `prefix` (ending in `/`); null when there are none. Their shape is
 * checked before anything is rendered from them: a bucket is not trusted input.
 *
 * @throws CliError `REMOTE` naming the object and the first field that does not fit.
 */
export async function readFinished(store: ObjectStore, prefix: string): Promise<FinishedRun | null> {
  const [summary, report, failed] = await Promise.all([
    readJson<unknown>(store, `${prefix}summary.json`),
    readJson<unknown>(store, `${prefix}report.json`),
    store.get(`${prefix}${FAILED_FILE_NAME}`),
  ]);
  if (!summary || !report) return null;
  const fail = (key: string) => (message: string) => new CliError('REMOTE', `${prefix}${key} is not a mirror-validate ${key}: ${message}`);
  return {
    summary: checkSummary(summary, fail('summary.json')),
    report: checkJsonReport(report, fail('report.json')),
    failed: failed ? Buffer.from(failed).toString('utf8') : null,
  };
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

/** Writes the failed file (or removes a stale one) and the reports. */
export async function writeFinished(run: FinishedRun, to: LocalTargets, listName: string): Promise<void> {
  try {
    if (to.failedFile !== undefined && run.failed) await writeFile(to.failedFile, run.failed);
    else if (to.failedFile !== undefined) await rm(to.failedFile, { force: true });
  } catch (err) {
    throw new CliError('OUTPUT_UNWRITABLE', `cannot write "${to.failedFile}": ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }
  await writeReports(to.reportFiles, run.report, listName);
}

/**
 * 2 for a run that could not run, 1 when any line FAILED, ERRORed or was INVALID (with
 * `failOn: 'new'`: when some line newly did since the previous run of the list), else 0.
 */
export function remoteExitCode(s: RemoteSummary, failOn: FailOn = 'any'): number {
  if (s.fatal) return 2;
  return runFailed(s, failOn, changeSummaryOf(s)) ? 1 : 0;
}
