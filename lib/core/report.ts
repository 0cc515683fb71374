/**
 * Aggregation of line results: counts, the failed-list file (input format, so it can be fed
 * back in) and the JSON report. Streaming-friendly: {@link addToSummary} folds one result at a
 * time, so 100k lines need no second pass.
 */
import type { LineResult, RequestCounts, Status } from './types.js';
import type { Changes } from './changes.js';

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

/** True for the statuses that need attention: FAILED, ERROR and INVALID. */
export function isAttention(status: Status): boolean {
  return status === 'FAILED' || status === 'ERROR' || status === 'INVALID';
}

/** Lines that need attention: FAILED, ERROR and INVALID. */
export function attentionCount(s: Summary): number {
  return s.failed + s.errors + s.invalid;
}

/** What fails a run: any line that needs attention (default), or only lines that newly do. */
export type FailOn = 'any' | 'new';

/** The changes since the previous run, as counts (see core/changes.ts). */
export interface ChangeSummary {
  /** When the previous run finished; absent when there was none to compare with. */
  readonly since?: string;
  readonly newlyFailing: number;
  readonly recovered: number;
}

/** The change counts of a summary (`summary.json`, a local run's), when its run was compared. */
export function changeSummaryOf(s: { readonly previous?: { readonly finishedAt: string } | null; readonly newlyFailing?: number; readonly recovered?: number }): ChangeSummary | undefined {
  if (s.newlyFailing === undefined || s.recovered === undefined) return undefined;
  return { ...(s.previous ? { since: s.previous.finishedAt } : {}), newlyFailing: s.newlyFailing, recovered: s.recovered };
}

/**
 * Did the run fail (exit code 1, outcome `failed`): some line FAILED, ERRORed or was INVALID;
 * with `failOn: 'new'` only when some line newly did (`changes` from a comparison; without one,
 * every line that needs attention is new).
 */
export function runFailed(s: Summary, failOn: FailOn = 'any', changes?: Pick<ChangeSummary, 'newlyFailing'>): boolean {
  if (failOn === 'new') return (changes?.newlyFailing ?? attentionCount(s)) > 0;
  return attentionCount(s) > 0;
}

/**
 * The one-line summary every mode prints, e.g. `validated 3 lines in 1.2 s: 2 passed, 1 failed, …`,
 * with the changes when the run was compared: `…; since 2025-01-01T02:00:00Z: 1 newly failing, 2 recovered`.
 */
export function summaryLine(s: Summary, durationMs: number, changes?: ChangeSummary): string {
  const line = `validated ${s.total} ${s.total === 1 ? 'line' : 'lines'} in ${(durationMs / 1000).toFixed(1)} s: ${s.passed} passed, ${s.failed} failed, `
    + `${s.errors} errors, ${s.skipped} skipped, ${s.invalid} invalid`;
  if (!changes) return line;
  return `${line}; ${changes.since ? `since ${changes.since}` : 'no previous run'}: ${changes.newlyFailing} newly failing, ${changes.recovered} recovered`;
}

/** True for the statuses that go into the failed list. */
export function isFailure(status: Status): boolean {
  return status === 'FAILED' || status === 'ERROR';
}

/** Code-unit order of strings (Go `sort.Strings`): the order of the failed file. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Lines of the failed-list file: the trimmed original input of FAILED and ERROR lines (an empty
 * input, e.g. of a lost line whose text is unknown, is left out), sorted by code unit,
 * de-duplicated.
 */
export function failedLines(results: Iterable<Pick<LineResult, 'status' | 'input'>>): string[] {
  const lines = new Set<string>();
  for (const r of results) {
    const input = r.input.trim();
    if (isFailure(r.status) && input !== '') lines.add(input);
  }
  return [...lines].sort(compareText);
}

/** The failed-list file: {@link failedLines}, each followed by `\n`; `''` when nothing failed. */
export function failedFileContent(results: Iterable<Pick<LineResult, 'status' | 'input'>>): string {
  return failedLines(results).map((l) => `${l}\n`).join('');
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
  /** What changed since the previous run of the list, when the run was compared (core/changes.ts). */
  readonly changes?: Changes;
  readonly runId?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly settings?: unknown;
  readonly requests?: Partial<RequestCounts>;
  readonly rateLimitRemaining?: number;
}

/** The JSON report without its results: what goes before and after them. */
export type JsonReportHead = Omit<JsonReport, 'results'>;

/** Lines of one reason code: the status of its first line (in line order) and their number. */
export interface CodeCount {
  readonly status: Status;
  n: number;
}

/**
 * What a report says about the run as a whole, folded one result at a time (in line order) so
 * that any number of lines needs no second pass and no list in memory.
 */
export interface ReportTotals {
  readonly summary: Summary;
  /** Request counts summed over the lines. */
  readonly requests: Record<string, number>;
  /** The lowest Docker Hub `ratelimit-remaining` seen (the headroom left). */
  rateLimitRemaining?: number;
  /** Reason codes, in order of their first line. */
  readonly codes: Record<string, CodeCount>;
}

export function emptyTotals(): ReportTotals {
  return { summary: emptySummary(), requests: {}, codes: {} };
}

/** Adds one result to `t` (mutated and returned). */
export function addToTotals(t: ReportTotals, r: Pick<LineResult, 'status' | 'code' | 'requests' | 'rateLimitRemaining'>): ReportTotals {
  addToSummary(t.summary, r);
  for (const [k, v] of Object.entries(r.requests ?? {})) t.requests[k] = (t.requests[k] ?? 0) + (v ?? 0);
  if (r.rateLimitRemaining !== undefined) t.rateLimitRemaining = Math.min(t.rateLimitRemaining ?? Infinity, r.rateLimitRemaining);
  if (r.code) {
    const c = t.codes[r.code];
    if (c) c.n += 1;
    else t.codes[r.code] = { status: r.status, n: 1 };
  }
  return t;
}

/** Adds `later` (the totals of lines after those of `t`) to `t` (mutated and returned). */
export function mergeTotals(t: ReportTotals, later: ReportTotals): ReportTotals {
  for (const k of Object.keys(FIELD_TOTALS) as (keyof Summary)[]) t.summary[k] += later.summary[k];
  for (const [k, v] of Object.entries(later.requests)) t.requests[k] = (t.requests[k] ?? 0) + v;
  if (later.rateLimitRemaining !== undefined) t.rateLimitRemaining = Math.min(t.rateLimitRemaining ?? Infinity, later.rateLimitRemaining);
  for (const [code, c] of Object.entries(later.codes)) {
    const mine = t.codes[code];
    if (mine) mine.n += c.n;
    else t.codes[code] = { status: c.status, n: c.n };
  }
  return t;
}

const FIELD_TOTALS: Readonly<Record<keyof Summary, true>> = { total: true, passed: true, failed: true, errors: true, skipped: true, invalid: true };

/** Totals of `results`. */
export function totalsOf(results: Iterable<LineResult | ReportLine>): ReportTotals {
  const t = emptyTotals();
  for (const r of results) addToTotals(t, r);
  return t;
}

/**
 * The report's head from the run's totals: summary with duration, then run metadata, request
 * totals and the lowest Docker Hub headroom (unless `meta` gives them).
 */
export function reportHead(totals: ReportTotals, meta: ReportMeta): JsonReportHead {
  const startedAt = iso(meta.startedAt);
  const finishedAt = iso(meta.finishedAt);
  const durationMs = Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt)) || 0;
  const requests = meta.requests ?? (Object.keys(totals.requests).length > 0 ? totals.requests as Partial<RequestCounts> : undefined);
  const rateLimitRemaining = meta.rateLimitRemaining ?? totals.rateLimitRemaining;
  return {
    summary: { ...totals.summary, durationMs },
    ...(meta.runId !== undefined && { runId: meta.runId }),
    startedAt,
    finishedAt,
    ...(meta.settings !== undefined && { settings: meta.settings }),
    ...(requests !== undefined && { requests }),
    ...(rateLimitRemaining !== undefined && { rateLimitRemaining }),
  };
}

/** `head` with `results` in their place (after the summary). */
export function withResults(head: JsonReportHead, results: ReportLine[]): JsonReport {
  const { summary, changes, ...rest } = head;
  return { summary, results, ...(changes ? { changes } : {}), ...rest };
}

/** Builds the JSON report in memory: results sorted by line, see {@link reportHead}. */
export function buildJsonReport(results: Iterable<LineResult>, meta: ReportMeta): JsonReport {
  const list = [...results].sort((a, b) => a.line - b.line);
  return withResults(reportHead(totalsOf(list), meta), list.map(reportLine));
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
