/**
 * The data the HTML report's script reads: every line as a compact tuple (so 100,000 lines stay
 * a few megabytes), plus the FAQ rows of the codes that occur.
 */
import type { JsonReport, ReportLine } from '../core/report.js';
import type { Status } from '../core/types.js';
import { faqFor, type FaqEntry } from '../core/faq.js';

/** Status order of the tuples' status index; the client script uses the same order. */
export const STATUS_ORDER: readonly Status[] = ['PASS', 'FAILED', 'ERROR', 'SKIPPED', 'INVALID'];

/** `[line, statusIndex, code, input, message, source, destination, srcSpec, dstSpec, durationMs, rule]`. */
export type RowTuple = [
  number, number, string | null, string, string,
  string | null, string | null, ReportLine['srcSpec'] | null, ReportLine['dstSpec'] | null, number | null, string | null,
];

export interface HtmlData {
  readonly rows: RowTuple[];
  readonly faq: Record<string, Pick<FaqEntry, 'cause' | 'fix'>>;
}

/** Builds the embedded data of `report`. */
export function htmlData(report: JsonReport): HtmlData {
  const faq: HtmlData['faq'] = {};
  const rows = report.results.map((r): RowTuple => {
    const entry = faqFor(r.code);
    if (r.code && entry) faq[r.code] = { cause: entry.cause, fix: entry.fix };
    return [
      r.line, Math.max(0, STATUS_ORDER.indexOf(r.status)), r.code ?? null, r.input, r.message,
      r.source ?? null, r.destination ?? null, r.srcSpec ?? null, r.dstSpec ?? null, r.durationMs ?? null, r.rule ?? null,
    ];
  });
  return { rows, faq };
}
