/** Picks a report format from a file name and renders a JSON report in it. Pure. */
import type { JsonReport } from '../core/report.js';
import { renderHtmlReport } from './html.js';
import { renderJunitReport } from './junit.js';

export type ReportFormat = 'json' | 'junit' | 'html';

/** `json` for `.json`, `junit` for `.xml`, `html` for `.html`/`.htm` (any case); null otherwise. */
export function reportFormatOf(fileName: string): ReportFormat | null {
  const m = /\.(json|xml|html?)$/i.exec(fileName);
  if (!m) return null;
  const ext = (m[1] ?? '').toLowerCase();
  return ext === 'json' ? 'json' : ext === 'xml' ? 'junit' : 'html';
}

/** The file content of `report` in `format`. `listName` names the JUnit suite and the HTML title. */
export function renderReport(format: ReportFormat, report: JsonReport, listName: string): string {
  switch (format) {
    case 'json': return `${JSON.stringify(report, null, 2)}\n`;
    case 'junit': return renderJunitReport(report, { listName });
    case 'html': return renderHtmlReport(report, { listName });
  }
}
