/**
 * Reports as streams of text: a formatter turns the report's head (known before the first line:
 * counts, run facts, reason codes) and then one line at a time into text, so a report of any
 * size is written without holding it. The in-memory renderers are the same formatters over an
 * array. Pure.
 */
import { CHANGE_KINDS, type ChangeCounts, type ChangeEntry, type ChangeKind, type Changes } from '../core/changes.js';
import type { CodeCount, JsonReport, JsonReportHead, ReportLine } from '../core/report.js';
import { totalsOf } from '../core/report.js';

/** What a formatter knows before the lines: the report's head and its reason codes. */
export interface ReportView {
  readonly head: JsonReportHead;
  /** Reason codes in order of their first line, with their count. */
  readonly codes: Readonly<Record<string, CodeCount>>;
  /** The changes since the previous run: counts and the first entries of each list (the HTML shows those). */
  readonly changes?: ChangesView;
}

export interface ChangesView {
  readonly counts: ChangeCounts;
  readonly first: Readonly<Record<ChangeKind, readonly ChangeEntry[]>>;
}

export interface ReportFormatter {
  /** Text before the first line. */
  start(): string;
  /** Text of the next line, in line order ('' when the format leaves it out). */
  line(r: ReportLine): string;
  /** Formats that list the changes after the lines (JSON): the text before the entries of `kind`, then each entry. */
  changesStart?(kind: ChangeKind): string;
  change?(kind: ChangeKind, e: ChangeEntry): string;
  /** Text after the last line (and change). */
  end(): string;
}

/** Entries of each change list shown in full by the HTML report; report.json has them all. */
export const FIRST_CHANGES = 1000;

/** The changes view of complete `changes`. */
export function changesView(changes: Changes): ChangesView {
  const counts = { previous: changes.previous, newlyFailing: changes.newlyFailing.length, recovered: changes.recovered.length,
    stillFailing: changes.stillFailing, added: changes.added, removed: changes.removed };
  return { counts, first: { newlyFailing: changes.newlyFailing.slice(0, FIRST_CHANGES), recovered: changes.recovered.slice(0, FIRST_CHANGES) } };
}

/** The view of a report held in memory. */
export function viewOf(report: JsonReport): ReportView {
  const { results, ...head } = report;
  return { head, codes: totalsOf(results).codes, ...(report.changes ? { changes: changesView(report.changes) } : {}) };
}

/** The whole text of `report`'s lines (and changes) through `f`. */
export function renderWith(f: ReportFormatter, report: Pick<JsonReport, 'results' | 'changes'>): string {
  const parts = [f.start()];
  for (const r of report.results) parts.push(f.line(r));
  if (f.changesStart && report.changes) {
    for (const kind of CHANGE_KINDS) {
      parts.push(f.changesStart(kind));
      for (const e of report.changes[kind]) parts.push(f.change!(kind, e));
    }
  }
  parts.push(f.end());
  return parts.join('');
}
