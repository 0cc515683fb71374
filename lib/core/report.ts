/**
 * Aggregation of line results: counts, the failed-list file (input format, so it can be fed
 * back in) and the JSON report. Streaming-friendly: {@link addToSummary} folds one result at a
 * time, so 100k lines need no second pass.
 */
import type { LineResult, RequestCounts, Status } from './types.js';

/** Counts per status. */
export interface Summary {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  invalid: number;
}

const FIELD: Readonly<Record<Status, keyof Omit<Summary, 'total'>>> = {
  PASS: 'passed',
  FAILED: 'failed',
  ERROR: 'errors',
  SKIPPED: 'skipped',
  INVALID: 'invalid',
};

/** All counts zero. */
export function emptySummary(): Summary {
  return { total: 0, passed: 0, failed: 0, errors: 0, skipped: 0, invalid: 0 };
}

/** Adds one result to `summary` (mutated and returned): a reducer for streams. */
export function addToSummary(summary: Summary, result: Pick<LineResult, 'status'>): Summary {
  summary.total += 1;
  summary[FIELD[result.status]] += 1;
  return summary;
}

/** Counts of every status. */
export function summarize(results: Iterable<Pick<LineResult, 'status'>>): Summary {
  const s = emptySummary();
  for (const r of results) addToSummary(s, r);
  return s;
}

/** Lines that need attention: FAILED, ERROR and INVALID. */
export function attentionCount(s: Summary): number {
  return s.failed + s.errors + s.invalid;
}

/** Did the run fail: some line FAILED, ERRORed or was INVALID (exit code 1, outcome `failed`). */
export function runFailed(s: Summary): boolean {
  return attentionCount(s) > 0;
}

/** The one-line summary every mode prints, e.g. `validated 3 lines in 1.2 s: 2 passed, 1 failed, …`. */
export function summaryLine(s: Summary, durationMs: number): string {
  return `validated ${s.total} ${s.total === 1 ? 'line' : 'lines'} in ${(durationMs / 1000).toFixed(1)} s: ${s.passed} passed, ${s.failed} failed, `
    + `${s.errors} errors, ${s.skipped} skipped, ${s.invalid} invalid`;
}

/** True for the statuses that go into the failed list. */
export function isFailure(status: Status): boolean {
  return status === 'FAILED' || status === 'ERROR';
}

/**
 * The failed-list file: trimmed original input of FAILED and ERROR lines, sorted by code unit
 * (Go `sort.Strings`), de-duplicated, each followed by `\n`; `''` when nothing failed.
 */
export function failedFileContent(results: Iterable<Pick<LineResult, 'status' | 'input'>>): string {
  const lines = new Set<string>();
  for (const r of results) if (isFailure(r.status)) lines.add(r.input.trim());
  const sorted = [...lines].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map((l) => `${l}\n`).join('');
}

/** Run-level data that goes beside the summary and results. */
export interface ReportMeta {
  readonly runId?: string;
  readonly startedAt: Date | string;
  readonly finishedAt: Date | string;
  readonly settings?: unknown;
  /** Request totals of the run. */
  readonly requests?: Partial<RequestCounts>;
  /** Docker Hub `ratelimit-remaining` seen last. */
  readonly rateLimitRemaining?: number;
}

/** One line of the JSON report. */
export type ReportLine = Pick<LineResult, 'line' | 'input' | 'status' | 'code' | 'message'>
  & Partial<Pick<LineResult, 'srcSpec' | 'dstSpec' | 'rule' | 'source' | 'destination' | 'durationMs' | 'requests' | 'rateLimitRemaining'>>;

/** The JSON report document. */
export interface JsonReport {
  readonly summary: Summary & { durationMs: number };
  readonly results: ReportLine[];
  readonly runId?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly settings?: unknown;
  readonly requests?: Partial<RequestCounts>;
  readonly rateLimitRemaining?: number;
}

/** Builds the JSON report: summary with duration, results sorted by line, then run metadata. */
export function buildJsonReport(results: Iterable<LineResult>, meta: ReportMeta): JsonReport {
  const list = [...results].sort((a, b) => a.line - b.line);
  const startedAt = iso(meta.startedAt);
  const finishedAt = iso(meta.finishedAt);
  const durationMs = Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt)) || 0;
  return {
    summary: { ...summarize(list), durationMs },
    results: list.map(reportLine),
    ...(meta.runId !== undefined && { runId: meta.runId }),
    startedAt,
    finishedAt,
    ...(meta.settings !== undefined && { settings: meta.settings }),
    ...runTotals(list, meta),
  };
}

/**
 * Request totals over the run and the lowest Docker Hub `ratelimit-remaining` seen (the headroom
 * left), unless the caller gives them.
 */
export function runTotals(
  results: readonly LineResult[], given: Pick<ReportMeta, 'requests' | 'rateLimitRemaining'> = {},
): { requests?: Partial<RequestCounts>; rateLimitRemaining?: number } {
  const requests: Record<string, number> = {};
  let rateLimitRemaining: number | undefined;
  for (const r of results) {
    for (const [k, v] of Object.entries(r.requests ?? {})) requests[k] = (requests[k] ?? 0) + (v ?? 0);
    if (r.rateLimitRemaining !== undefined) rateLimitRemaining = Math.min(rateLimitRemaining ?? Infinity, r.rateLimitRemaining);
  }
  const req = given.requests ?? (Object.keys(requests).length > 0 ? requests as Partial<RequestCounts> : undefined);
  const rl = given.rateLimitRemaining ?? rateLimitRemaining;
  return { ...(req !== undefined && { requests: req }), ...(rl !== undefined && { rateLimitRemaining: rl }) };
}

/** A result reduced to the report's fields; `code` is always present (null when none). */
export function reportLine(r: LineResult): ReportLine {
  const out: ReportLine = { line: r.line, input: r.input, status: r.status, code: r.code ?? null, message: r.message };
  const optional = ['srcSpec', 'dstSpec', 'rule', 'source', 'destination', 'durationMs', 'requests', 'rateLimitRemaining'] as const;
  const extra: Record<string, unknown> = {};
  for (const k of optional) if (r[k] !== undefined) extra[k] = r[k];
  return { ...out, ...extra };
}

function iso(t: Date | string): string {
  return typeof t === 'string' ? t : t.toISOString();
}
