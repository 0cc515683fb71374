/**
 * The HTML report: one self-contained page (inline CSS, inline script, inline SVG chart, the
 * data as JSON in a `<script type="application/json">`). It loads nothing from anywhere, so it
 * opens offline and straight from S3; a Content-Security-Policy forbids any request anyway and
 * lets only that one script run (by its sha256), never an inline handler or injected script.
 * The line table renders only its visible rows, so 100,000 lines stay a small DOM; beyond
 * `HTML_ALL_LINES_MAX` lines it holds only the lines that did not PASS, and says so at the top.
 * A run compared with the previous run of its list opens with "Changes since …" (html-changes.ts).
 * Pure string building: no I/O.
 */
import { createHash } from 'node:crypto';
import { attentionCount, runFailed, type JsonReport, type JsonReportHead } from '../core/report.js';
import { HTML_ALL_LINES_MAX } from '../core/defaults.js';
import { embedJson, escapeHtml as h } from './html-escape.js';
import { htmlFaq, rowsOf, rowTuple, STATUS_ORDER } from './html-data.js';
import { renderWith, viewOf, type ReportFormatter, type ReportView } from './formatter.js';
import { HTML_SCRIPT } from './html-script.js';
import { changesSection } from './html-changes.js';
import { HTML_STYLE } from './html-style.js';
import { codeTable, runFacts, statusCards, statusChart, statusCount } from './html-summary.js';

export interface HtmlOptions {
  /** The list's name, shown in the title. */
  readonly listName?: string;
}

/** The page's one script is allowed by its hash: nothing injected into the page can run. */
const SCRIPT_HASH = createHash('sha256').update(HTML_SCRIPT, 'utf8').digest('base64');
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;

/**
 * Renders `report` as a self-contained HTML page.
 * @example await writeFile('run.html', renderHtmlReport(report, { listName: 'images.txt' }))
 */
export function renderHtmlReport(report: JsonReport, opts: HtmlOptions = {}): string {
  return renderWith(htmlFormatter(viewOf(report), opts), report);
}

/**
 * The HTML page as a stream: everything up to the embedded data's rows, then one row per line
 * (PASS lines left out beyond `HTML_ALL_LINES_MAX` lines, said at the top), then the rest.
 */
export function htmlFormatter(view: ReportView, opts: HtmlOptions = {}): ReportFormatter {
  const head = view.head;
  const shown = rowsOf(head.summary);
  let rows = 0;
  return {
    start: () => `${pageTop(view, opts, shown)}<script type="application/json" id="mv-data">`
      + `${embedJson({ faq: htmlFaq(view.codes), total: head.summary.total, rowsOf: shown }).slice(0, -1)},"rows":[`,
    line: (r) => (shown === 'not-pass' && r.status === 'PASS' ? '' : `${rows++ === 0 ? '' : ','}${embedJson(rowTuple(r))}`),
    end: () => `]}</script>\n<script>${HTML_SCRIPT}</script>\n</body>\n</html>\n`,
  };
}

function capNotice(head: JsonReportHead): string {
  const s = head.summary;
  return `<p id="mv-cap" class="notice">This run has ${h(s.total)} lines, more than ${h(HTML_ALL_LINES_MAX)}: the table lists the `
    + `${h(s.total - s.passed)} lines that did not pass; the ${h(s.passed)} PASS lines are counted above and listed in report.json.</p>`;
}

function pageTop(view: ReportView, opts: HtmlOptions, shown: 'all' | 'not-pass'): string {
  const report = view.head;
  const name = opts.listName ?? report.runId ?? 'run';
  const s = report.summary;
  const verdict = runFailed(s) ? `${attentionCount(s)} lines need attention` : 'all lines passed or were skipped';
  const filters = STATUS_ORDER.map((st) => {
    const off = shown === 'not-pass' && st === 'PASS';
    return `<label${off ? ' title="PASS lines are not listed in this report"' : ''}><input type="checkbox" name="mv-status" value="${st}" ${off ? 'disabled' : 'checked'}> `
      + `<span class="badge st-${st}">${st}</span> ${h(statusCount(report, st))}</label>`;
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mirror-validate report: ${h(name)}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<header><h1>mirror-validate report: ${h(name)}</h1><div class="muted">${h(s.total)} lines, ${h(verdict)}</div>${shown === 'not-pass' ? capNotice(report) : ''}</header>
<main>
${view.changes ? changesSection(view.changes) : ''}
<section id="mv-summary">
${statusCards(report)}
<div class="overview"><div><h2>Lines by status</h2>${statusChart(report)}</div><div><h2>Run</h2>${runFacts(report)}</div></div>
<h2>Reason codes</h2>
${codeTable(view.codes)}
</section>
<section id="mv-lines">
<h2>${shown === 'all' ? 'All lines' : 'Lines that did not pass'}</h2>
<noscript><p>This table needs JavaScript; the summary above does not.</p></noscript>
<div class="filters">
${filters.join('\n')}
<label>Code <select id="mv-code"><option value="">all</option></select></label>
<label>Search <input type="search" id="mv-search" placeholder="image, message, line number"></label>
<span id="mv-count" class="muted"></span>
</div>
<div class="grid" role="table" aria-label="lines">
<div class="row head" role="row"><span>Line</span><span>Status</span><span>Code</span><span>Input</span><span>Message</span></div>
<div id="mv-viewport"><div id="mv-spacer"><div id="mv-window"></div></div><div id="mv-empty" class="muted" hidden>No line matches the filters.</div></div>
</div>
<div id="mv-detail"><p class="muted">Select a line to see its details.</p></div>
</section>
<section id="mv-failures-section">
<h2>Failed lines (<span id="mv-failed-count">${h(s.failed)}</span>)</h2>
<p class="muted">Source and destination side by side; highlighted fields differ.</p>
<div id="mv-failures"></div>
<button type="button" class="more" id="mv-more" hidden>Show more</button>
</section>
</main>
`;
}
