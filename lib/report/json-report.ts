/**
 * The JSON report as a stream. `indent: 2` gives exactly `JSON.stringify(report, null, 2)` (the
 * CLI's `--report x.json`); `indent: 0` is compact with one result per line (the bucket's
 * `report.json`), so that a reader can take it apart line by line. Both end with a newline.
 */
import { reportLine, withResults, type JsonReportHead, type ReportLine } from '../core/report.js';
import type { ReportFormatter } from './formatter.js';

/** A formatter of the JSON report whose head is `head`. */
export function jsonFormatter(head: JsonReportHead, opts: { readonly indent: 0 | 2 }): ReportFormatter {
  const pretty = opts.indent === 2;
  const text = pretty ? JSON.stringify(withResults(head, []), null, 2) : JSON.stringify(withResults(head, []));
  const open = pretty ? '"results": [' : '"results":[';
  // `summary` holds numbers only, so the first `"results": [` is the key itself.
  const at = text.indexOf(open) + open.length;
  let lines = 0;
  return {
    start: () => text.slice(0, at),
    line: (r: ReportLine) => {
      const sep = lines++ === 0 ? '' : ',';
      return pretty ? `${sep}\n    ${JSON.stringify(reportLine(r), null, 2).replace(/\n/g, '\n    ')}` : `${sep}\n${JSON.stringify(reportLine(r))}`;
    },
    end: () => `${lines > 0 ? (pretty ? '\n  ' : '\n') : ''}${text.slice(at)}\n`,
  };
}
