/**
 * The data the HTML report's script reads: the lines as compact tuples (so 100,000 lines stay a
 * few megabytes), the FAQ rows of the codes that occur, and which lines the table holds: every
 * line up to `HTML_ALL_LINES_MAX` lines, beyond that only the lines that did not PASS (the PASS
 * lines are counted in the summary and listed in report.json).
 */
import type { CodeCount, JsonReport, ReportLine, Summary } from '../core/report.js';
import type { SpecEntry, Status } from '../core/types.js';
import { platformKey } from '../core/platform.js';
import { HTML_ALL_LINES_MAX } from '../core/defaults.js';
import { faqFor, type FaqEntry } from '../core/faq.js';
import { viewOf } from './formatter.js';

/** Status order of the tuples' status index; the client script uses the same order. */
export const STATUS_ORDER: readonly Status[] = ['PASS', 'FAILED', 'ERROR', 'SKIPPED', 'INVALID'];

/** A spec entry with `k`, its platform in normal form (core/platform.ts), so the page pairs `arm64` with `arm64/v8`. */
export type KeyedSpecEntry = SpecEntry & { readonly k: string };

/** `[line, statusIndex, code, input, message, source, destination, srcSpec, dstSpec, durationMs, rule]`. */
export type RowTuple = [
  number, number, string | null, string, string,
  string | null, string | null, KeyedSpecEntry[] | null, KeyedSpecEntry[] | null, number | null, string | null,
];

export type HtmlFaq = Record<string, Pick<FaqEntry, 'cause' | 'fix'>>;

/** The embedded data, in the order it is written (the rows last, streamed). */
export interface HtmlData {
  readonly faq: HtmlFaq;
  /** Lines in the run. */
  readonly total: number;
  /** `all`: every line is a row; `not-pass`: PASS lines are left out (more than HTML_ALL_LINES_MAX lines). */
  readonly rowsOf: 'all' | 'not-pass';
  readonly rows: RowTuple[];
}

/** `not-pass` when the run has more lines than the table lists in full. */
export function rowsOf(summary: Summary): HtmlData['rowsOf'] {
  return summary.total > HTML_ALL_LINES_MAX ? 'not-pass' : 'all';
}

/** The FAQ rows of `codes`. */
export function htmlFaq(codes: Readonly<Record<string, CodeCount>>): HtmlFaq {
  const faq: HtmlFaq = {};
  for (const code of Object.keys(codes)) {
    const entry = faqFor(code);
    if (entry) faq[code] = { cause: entry.cause, fix: entry.fix };
  }
  return faq;
}

/** The tuple of one line. */
export function rowTuple(r: ReportLine): RowTuple {
  return [
    r.line, Math.max(0, STATUS_ORDER.indexOf(r.status)), r.code ?? null, r.input, r.message,
    r.source ?? null, r.destination ?? null, keyed(r.srcSpec), keyed(r.dstSpec), r.durationMs ?? null, r.rule ?? null,
  ];
}

function keyed(spec: readonly SpecEntry[] | undefined): KeyedSpecEntry[] | null {
  return spec ? spec.map((e) => ({ ...e, k: platformKey(e.platform) })) : null;
}

/** The embedded data of a report held in memory. */
export function htmlData(report: JsonReport): HtmlData {
  const shown = rowsOf(report.summary);
  const rows = report.results.filter((r) => shown === 'all' || r.status !== 'PASS').map(rowTuple);
  return { faq: htmlFaq(viewOf(report).codes), total: report.summary.total, rowsOf: shown, rows };
}
