/** Picks a report format from a file name and renders a report in it, whole or as a stream. Pure. */
import type { JsonReport } from '../core/report.js';
import { renderWith, viewOf, type ReportFormatter, type ReportView } from './formatter.js';
import { htmlFormatter } from './html.js';
import { jsonFormatter } from './json-report.js';
import { junitFormatter } from './junit.js';

export type ReportFormat = 'json' | 'junit' | 'html';

/** `json` for `.json`, `junit` for `.xml`, `html` for `.html`/`.htm` (any case); null otherwise. */
export function reportFormatOf(fileName: string): ReportFormat | null {
  const m = /\.(json|xml|html?)$/i.exec(fileName);
  if (!m) return null;
  const ext = (m[1] ?? '').toLowerCase();
  return ext === 'json' ? 'json' : ext === 'xml' ? 'junit' : 'html';
}

export interface FormatOptions {
  /** Names the JUnit suite and the HTML title. */
  readonly listName: string;
  /** JSON only: 2 (default) for the indented file of `--report`, 0 for one result per line. */
  readonly indent?: 0 | 2;
}

/** A formatter of `format`. */
export function formatterFor(format: ReportFormat, view: ReportView, opts: FormatOptions): ReportFormatter {
  switch (format) {
    case 'json': return jsonFormatter(view.head, { indent: opts.indent ?? 2 });
    case 'junit': return junitFormatter(view.head, { listName: opts.listName });
    case 'html': return htmlFormatter(view, { listName: opts.listName });
  }
}

/** The file content of `report` in `format` (JSON indented by 2). */
export function renderReport(format: ReportFormat, report: JsonReport, listName: string): string {
  return renderWith(formatterFor(format, viewOf(report), { listName }), report);
}

/** Content type of each format, for object stores. */
export const CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  json: 'application/json', junit: 'application/xml; charset=utf-8', html: 'text/html; charset=utf-8',
};
