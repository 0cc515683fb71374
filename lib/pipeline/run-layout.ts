/**
 * Where a run lives in the bucket (S3 in AWS, a directory locally). Everything of a run is
 * under `runs/<runId>/`:
 *
 * | key | written by | content |
 * |---|---|---|
 * | `run.json` | split | {@link RunRecord}: created with `ifNoneMatch` (`totalLines: 'counting'`), then rewritten once with the exact total and the counted line numbers |
 * | `results/<line, 9 digits>.json` | split (INVALID), process (others), aggregate (forced NO_RESULT) | one `LineResult`; created with `ifNoneMatch`, so the first final result of a line wins and duplicates collapse |
 * | `shards/<shard, 6 digits>.ndjson` | aggregate | the results of lines `shard × SHARD_LINES` to `… + SHARD_LINES - 1` once all of them have one: a header line ({@link ShardHeader} of shards.ts), then each result object as stored, in line order; created with `ifNoneMatch` (any aggregator writes the same bytes), never rewritten |
 * | `shards/<shard>.failed.txt` | aggregate | the shard's part of the failed file (sorted, distinct), written just before the shard; absent when none of its lines failed |
 * | `shards/<shard>.keys.txt` | aggregate | runs that are compared: the shard's lines as sorted key entries (core/changes.ts) |
 * | `merge/<what>/<level>-<n>.txt` | aggregate | intermediate runs of an external merge (the failed file, the key file, a baseline) |
 * | `keys.txt` | aggregate | runs that are compared: every line as a key entry, sorted by key; the next run compares with it |
 * | `baseline.txt`, `baseline/<n>.txt` | aggregate | the previous run's key entries when it has no `keys.txt` (or a local `--compare-to` report), sorted |
 * | `changes/newly-failing.ndjson`, `changes/recovered.ndjson` | aggregate | the changes since the previous run, one JSON line each, in key order |
 * | `aggregating.json` | aggregate | `{finishedAt, previous?}` claim, created once: every aggregator of the run uses the same time and, for a compared run, the same previous run, so outputs are identical |
 * | `report.json` | aggregate | the JSON report (summary + every result, in line order; one result per line) |
 * | `report.html` | aggregate | the same report as one self-contained HTML page |
 * | `report.xml` | aggregate | the same report as JUnit XML |
 * | `summary.json` | aggregate | {@link RunSummary} |
 * | `mirror-validate-failed.txt` | aggregate | trimmed inputs of FAILED and ERROR lines, sorted, de-duplicated; absent when none |
 * | `done` | aggregate | written last, with `ifNoneMatch`: the run is finished |
 *
 * Line numbers are zero-padded to 9 digits so that listing `results/` yields line order, and
 * shard numbers to 6, so that listing `shards/` yields shard order.
 */
import { PipelineError } from './errors.js';

export const RUNS_PREFIX = 'runs/';
export { FAILED_FILE_NAME } from '../core/defaults.js';
import { FAILED_FILE_NAME, SHARD_LINES } from '../core/defaults.js';
const PAD = 9;
const SHARD_PAD = 6;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface RunKeys {
  readonly prefix: string;
  readonly record: string;
  readonly resultsPrefix: string;
  readonly shardsPrefix: string;
  readonly mergePrefix: string;
  readonly claim: string;
  readonly report: string;
  readonly reportHtml: string;
  readonly reportXml: string;
  readonly summary: string;
  readonly failed: string;
  readonly done: string;
}

/** Whether `runId` is 1-128 of `[A-Za-z0-9._-]`, starting alphanumeric. */
export function isRunId(runId: string): boolean {
  return RUN_ID.test(runId);
}

/** Throws `INVALID_RUN_ID` unless {@link isRunId}. */
export function assertRunId(runId: string): void {
  if (!isRunId(runId)) {
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
    shardsPrefix: `${prefix}shards/`,
    mergePrefix: `${prefix}merge/`,
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

/** The shard of line `line`. */
export function shardOfLine(line: number): number {
  return Math.floor(line / SHARD_LINES);
}

/** `runs/<runId>/shards/000042.ndjson` for shard 42. */
export function shardKey(runId: string, shard: number): string {
  return `${runKeys(runId).shardsPrefix}${String(shard).padStart(SHARD_PAD, '0')}.ndjson`;
}

/** `runs/<runId>/shards/000042.failed.txt`: the failed inputs of shard 42. */
export function shardFailedKey(runId: string, shard: number): string {
  return `${runKeys(runId).shardsPrefix}${String(shard).padStart(SHARD_PAD, '0')}.failed.txt`;
}

/** `runs/<runId>/shards/000042.keys.txt`: the sorted key part of shard 42 (runs that are compared). */
export function shardKeysKey(runId: string, shard: number): string {
  return `${runKeys(runId).shardsPrefix}${String(shard).padStart(SHARD_PAD, '0')}.keys.txt`;
}

/** The shard number of a shard key (not of its failed part), or null for any other key. */
export function shardOfKey(key: string): number | null {
  const m = /\/shards\/(\d+)\.ndjson$/.exec(key);
  return m ? Number(m[1]) : null;
}

/** The key every result key of shard `shard` sorts after (for a listing that starts at the shard). */
export function beforeShard(runId: string, shard: number): string {
  const line = shard * SHARD_LINES - 1;
  return line < 1 ? runKeys(runId).resultsPrefix : resultKey(runId, line);
}
