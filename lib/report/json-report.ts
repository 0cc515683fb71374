/**
 * The JSON report as a stream. `indent: 2` gives exactly `JSON.stringify(report, null, 2)` (the
 * CLI's `--report x.json`); `indent: 0` is compact with one result (and one change) per line (the
 * bucket's `report.json`), so that a reader can take it apart line by line. Both end with a
 * newline. The arrays (results, and the changes' `newlyFailing` and `recovered`) are streamed;
 * everything else comes from the head.
 */
import type { ChangeEntry, ChangeKind } from '../core/changes.js';
import { reportLine, withResults, type JsonReportHead, type ReportLine } from '../core/report.js';
import type { ReportFormatter } from './formatter.js';

/** The texts between a skeleton's arrays: `pieces[i]` comes before array `i`, the last after all. */
function skeleton(head: JsonReportHead, pretty: boolean): { pieces: string[]; depths: number[] } {
  const changes = head.changes ? { ...head.changes, newlyFailing: [], recovered: [] } : undefined;
  const text = JSON.stringify(withResults({ ...head, ...(changes ? { changes } : {}) }, []), null, pretty ? 2 : undefined);
  const arrays: [string, number][] = [['results', 1], ...(changes ? [['newlyFailing', 2], ['recovered', 2]] as [string, number][] : [])];
  const pieces: string[] = [];
  let from = 0;
  for (const [name] of arrays) {
    // Only numbers and the run's previous id/time precede each array key, so its first match is the key.
    const open = pretty ? `"${name}": [` : `"${name}":[`;
    const at = text.indexOf(open, from) + open.length;
    pieces.push(text.slice(from, at));
    from = at;
  }
  pieces.push(text.slice(from));
  return { pieces, depths: arrays.map(([, d]) => d) };
}

/** A formatter of the JSON report whose head is `head`. */
export function jsonFormatter(head: JsonReportHead, opts: { readonly indent: 0 | 2 }): ReportFormatter {
  const pretty = opts.indent === 2;
  const { pieces, depths } = skeleton(head, pretty);
  const counts = [0, 0, 0];
  let slot = 0;
  const item = (value: unknown): string => {
    const sep = counts[slot]!++ === 0 ? '' : ',';
    if (!pretty) return `${sep}\n${JSON.stringify(value)}`;
    const pad = ' '.repeat(2 * (depths[slot]! + 1));
    return `${sep}\n${pad}${JSON.stringify(value, null, 2).replace(/\n/g, `\n${pad}`)}`;
  };
  /** Closes the current array and moves to the next piece. */
  const close = (): string => {
    const closing = counts[slot]! > 0 ? (pretty ? `\n${' '.repeat(2 * depths[slot]!)}` : '\n') : '';
    slot++;
    return `${closing}${pieces[slot]}`;
  };
  return {
    start: () => pieces[0]!,
    line: (r: ReportLine) => item(reportLine(r)),
    ...(head.changes ? {
      changesStart: () => close(),
      change: (_kind: ChangeKind, e: ChangeEntry) => item(e),
    } : {}),
    end: () => `${close()}\n`,
  };
}
