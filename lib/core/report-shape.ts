/**
 * Shape check of a JSON report read back from somewhere we do not control (a bucket, a file):
 * `status` and `fetch --report` re-render `report.json`, so every field the renderers use is
 * checked to have its type before anything is written. The first mismatch is reported by its
 * path (`results[3].line: expected a whole number ≥ 1`).
 */
import type { ChangeEntry } from './changes.js';
import type { JsonReport, ReportLine } from './report.js';
import type { Rule, Status } from './types.js';

const STATUSES: readonly Status[] = ['PASS', 'FAILED', 'ERROR', 'SKIPPED', 'INVALID'];
const RULES: readonly Rule[] = ['index', 'artifact', 'single'];
const COUNTS = ['total', 'passed', 'failed', 'errors', 'skipped', 'invalid', 'durationMs'] as const;
/** Reason codes are upper-case identifiers (FAIL_CODES, ERROR_CODES and the others). */
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The checks of a report, piece by piece, so that a report read as a stream is checked as it
 * goes: `head` checks everything but the elements of its arrays (the results, and the changes'
 * lists), `result` and `change` one element each (`i` 0-based, as in the messages).
 */
export function reportChecker(fail: (message: string) => Error) {
  const bad = (path: string, expected: string): never => { throw fail(`${path}: expected ${expected}`); };
  const count = (v: unknown, path: string, min = 0): void => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) bad(path, `a whole number ≥ ${min}`);
  };
  const optString = (o: Obj, key: string, path: string): void => {
    if (o[key] !== undefined && typeof o[key] !== 'string') bad(`${path}.${key}`, 'a string');
  };
  const counts = (v: unknown, path: string): void => {
    if (!isObj(v)) return bad(path, 'an object');
    for (const [k, n] of Object.entries(v)) count(n, `${path}.${k}`);
  };
  const spec = (v: unknown, path: string): void => {
    if (!Array.isArray(v)) return bad(path, 'an array');
    v.forEach((e: unknown, i) => {
      if (!isObj(e)) return bad(`${path}[${i}]`, 'an object');
      if (typeof e.digest !== 'string') bad(`${path}[${i}].digest`, 'a string');
      optString(e, 'mediaType', `${path}[${i}]`);
      if (e.platform === undefined) return;
      if (!isObj(e.platform)) return bad(`${path}[${i}].platform`, 'an object');
      for (const k of ['architecture', 'os', 'variant', 'os.version']) optString(e.platform, k, `${path}[${i}].platform`);
    });
  };

  return {
    head(value: unknown): void {
      if (!isObj(value)) return bad('report', 'a JSON object');
      if (!isObj(value.summary)) return bad('summary', 'an object');
      for (const k of COUNTS) count(value.summary[k], `summary.${k}`);
      for (const k of ['runId', 'startedAt', 'finishedAt']) optString(value, k, 'report');
      if (value.settings !== undefined && !isObj(value.settings)) bad('settings', 'an object');
      if (value.requests !== undefined) counts(value.requests, 'requests');
      if (value.rateLimitRemaining !== undefined) count(value.rateLimitRemaining, 'rateLimitRemaining');
      if (!Array.isArray(value.results)) return bad('results', 'an array');
      if (value.changes === undefined) return;
      const c = value.changes;
      if (!isObj(c)) return bad('changes', 'an object');
      if (c.previous !== null && (!isObj(c.previous) || typeof c.previous.runId !== 'string' || typeof c.previous.finishedAt !== 'string')) {
        bad('changes.previous', 'null or { runId, finishedAt } strings');
      }
      for (const k of ['stillFailing', 'added', 'removed']) count(c[k], `changes.${k}`);
      for (const kind of ['newlyFailing', 'recovered']) if (!Array.isArray(c[kind])) bad(`changes.${kind}`, 'an array');
    },
    result(r: unknown, i: number): ReportLine {
      const at = `results[${i}]`;
      if (!isObj(r)) return bad(at, 'an object');
      count(r.line, `${at}.line`, 1);
      if (typeof r.input !== 'string') bad(`${at}.input`, 'a string');
      if (typeof r.message !== 'string') bad(`${at}.message`, 'a string');
      if (!STATUSES.includes(r.status as Status)) bad(`${at}.status`, `one of ${STATUSES.join(', ')}`);
      if (r.code !== null && r.code !== undefined && (typeof r.code !== 'string' || !CODE.test(r.code))) {
        bad(`${at}.code`, 'null or an upper-case reason code');
      }
      for (const k of ['source', 'destination']) optString(r, k, at);
      if (r.rule !== undefined && !RULES.includes(r.rule as Rule)) bad(`${at}.rule`, `one of ${RULES.join(', ')}`);
      for (const k of ['srcSpec', 'dstSpec']) if (r[k] !== undefined && r[k] !== null) spec(r[k], `${at}.${k}`);
      for (const k of ['durationMs', 'rateLimitRemaining']) if (r[k] !== undefined) count(r[k], `${at}.${k}`);
      if (r.requests !== undefined) counts(r.requests, `${at}.requests`);
      return r as unknown as ReportLine;
    },
    change(kind: string, e: unknown, i: number): ChangeEntry {
      const at = `changes.${kind}[${i}]`;
      if (!isObj(e)) return bad(at, 'an object');
      count(e.line, `${at}.line`, 1);
      for (const k of ['input', 'message']) if (typeof e[k] !== 'string') bad(`${at}.${k}`, 'a string');
      if (!STATUSES.includes(e.status as Status)) bad(`${at}.status`, `one of ${STATUSES.join(', ')}`);
      if (e.previousStatus !== null && !STATUSES.includes(e.previousStatus as Status)) bad(`${at}.previousStatus`, `null or one of ${STATUSES.join(', ')}`);
      if (e.code !== null && e.code !== undefined && (typeof e.code !== 'string' || !CODE.test(e.code))) bad(`${at}.code`, 'null or an upper-case reason code');
      for (const k of ['source', 'destination']) optString(e, k, at);
      return e as unknown as ChangeEntry;
    },
  };
}

/** Checks `value`'s shape; `fail(message)` builds the error to throw (the caller's family). */
export function checkJsonReport(value: unknown, fail: (message: string) => Error): JsonReport {
  const check = reportChecker(fail);
  check.head(value);
  const report = value as { results: unknown[]; changes?: Record<string, unknown[]> };
  report.results.forEach((r, i) => check.result(r, i));
  for (const kind of ['newlyFailing', 'recovered']) report.changes?.[kind]?.forEach((e, i) => check.change(kind, e, i));
  return value as unknown as JsonReport;
}
