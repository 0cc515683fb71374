/**
 * Reports as streams of text: a formatter turns the report's head (known before the first line:
 * counts, run facts, reason codes) and then one line at a time into text, so a report of any
 * size is written without holding it. The in-memory renderers are the same formatters over an
 * array. Pure.
 */
import type { CodeCount, JsonReport, JsonReportHead, ReportLine } from '../core/report.js';
import { totalsOf } from '../core/report.js';

/** What a formatter knows before the lines: the report's head and its reason codes. */
export interface ReportView {
  readonly head: JsonReportHead;
  /** Reason codes in order of their first line, with their count. */
  readonly codes: Readonly<Record<string, CodeCount>>;
}

export interface ReportFormatter {
  /** Text before the first line. */
  start(): string;
  /** Text of the next line, in line order ('' when the format leaves it out). */
  line(r: ReportLine): string;
  /** Text after the last line. */
  end(): string;
}

/** The view of a report held in memory. */
export function viewOf(report: JsonReport): ReportView {
  const { results, ...head } = report;
  return { head, codes: totalsOf(results).codes };
}

/** The whole text of `lines` through `f`. */
export function renderWith(f: ReportFormatter, lines: Iterable<ReportLine>): string {
  const parts = [f.start()];
  for (const r of lines) parts.push(f.line(r));
  parts.push(f.end());
  return parts.join('');
}
