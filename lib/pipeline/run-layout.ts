/**
 * Where a run lives in the bucket (S3 in AWS, a directory locally). Everything of a run is
 * under `runs/<runId>/`:
 *
 * | key | written by | content |
 * |---|---|---|
 * | `run.json` | split | {@link RunRecord}: created with `ifNoneMatch` (`totalLines: 'counting'`), then rewritten once with the exact total and the counted line numbers |
 * | `results/<line, 9 digits>.json` | split (INVALID), process (others), aggregate (forced NO_RESULT) | one `LineResult`; created with `ifNoneMatch`, so the first final result of a line wins and duplicates collapse |
 * | `aggregating.json` | aggregate | `{finishedAt}` claim: every aggregator of the run uses the same time, so outputs are identical |
 * | `report.json` | aggregate | the JSON report (summary + every result, in line order) |
 * | `report.html` | aggregate | the same report as one self-contained HTML page |
 * | `report.xml` | aggregate | the same report as JUnit XML |
 * | `summary.json` | aggregate | {@link RunSummary} |
 * | `mirror-validate-failed.txt` | aggregate | trimmed inputs of FAILED and ERROR lines, sorted, de-duplicated; absent when none |
 * | `done` | aggregate | written last, with `ifNoneMatch`: the run is finished |
 *
 * Line numbers are zero-padded to 9 digits so that listing `results/` yields line order.
 */
import { PipelineError } from './errors.js';

export const RUNS_PREFIX = 'runs/';
export { FAILED_FILE_NAME } from '../core/defaults.js';
import { FAILED_FILE_NAME } from '../core/defaults.js';
const PAD = 9;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface RunKeys {
  readonly prefix: string;
  readonly record: string;
  readonly resultsPrefix: string;
  readonly claim: string;
  readonly report: string;
  readonly reportHtml: string;
  readonly reportXml: string;
  readonly summary: string;
  readonly failed: string;
  readonly done: string;
}

/** Throws `INVALID_RUN_ID` unless `runId` is 1-128 of `[A-Za-z0-9._-]`, starting alphanumeric. */
export function assertRunId(runId: string): void {
  if (!RUN_ID.test(runId)) {
    throw new PipelineError('INVALID_RUN_ID', `invalid run id ${JSON.stringify(runId.slice(0, 200))}: use 1-128 of A-Z a-z 0-9 . _ -`);
  }
}

/** The keys of run `runId`. @example runKeys('r1').record === 'runs/r1/run.json' */
export function runKeys(runId: string): RunKeys {
  assertRunId(runId);
  const prefix = `${RUNS_PREFIX}${runId}/`;
  return {
    prefix,
    record: `${prefix}run.json`,
    resultsPrefix: `${prefix}results/`,
    claim: `${prefix}aggregating.json`,
    report: `${prefix}report.json`,
    reportHtml: `${prefix}report.html`,
    reportXml: `${prefix}report.xml`,
    summary: `${prefix}summary.json`,
    failed: `${prefix}${FAILED_FILE_NAME}`,
    done: `${prefix}done`,
  };
}

/** `runs/<runId>/results/000000042.json` for line 42. */
export function resultKey(runId: string, line: number): string {
  if (!Number.isSafeInteger(line) || line < 1) throw new RangeError(`line number must be a positive integer, got ${line}`);
  return `${runKeys(runId).resultsPrefix}${String(line).padStart(PAD, '0')}.json`;
}

/** The line number of a result key, or null for any other key. */
export function lineOfResultKey(key: string): number | null {
  const m = /\/results\/(\d+)\.json$/.exec(key);
  return m ? Number(m[1]) : null;
}
