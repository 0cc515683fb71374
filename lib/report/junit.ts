/**
 * The JUnit XML report, in the dialect GitLab's test reports and Jenkins' junit step read:
 * `<testsuites>` > one `<testsuite>` for the list > one `<testcase>` per line. FAILED lines carry
 * a `<failure>`, ERROR and INVALID lines an `<error>`, SKIPPED lines a `<skipped>`; `type` is the
 * reason code. Pure string building.
 */
import type { JsonReport, JsonReportHead, ReportLine } from '../core/report.js';
import { renderWith, viewOf, type ReportFormatter } from './formatter.js';
import { faqFor } from '../core/faq.js';
import { xmlAttrs, xmlText } from './xml.js';

export interface JunitOptions {
  /** The list's name: the suite name, and the class name after `mirror-validate.`. */
  readonly listName: string;
}

/**
 * Renders `report` as JUnit XML. Dots in the list name become `_` in `classname`, so that Jenkins
 * does not split `images.txt` into a package and a class.
 * @example renderJunitReport(report, { listName: 'images.txt' })
 */
export function renderJunitReport(report: JsonReport, opts: JunitOptions): string {
  return renderWith(junitFormatter(viewOf(report).head, opts), report);
}

/** The JUnit report as a stream (see {@link renderJunitReport}). */
export function junitFormatter(head: JsonReportHead, opts: JunitOptions): ReportFormatter {
  const s = head.summary;
  const counts = {
    tests: s.total,
    failures: s.failed,
    errors: s.errors + s.invalid,
    skipped: s.skipped,
    time: seconds(s.durationMs),
  };
  const classname = `mirror-validate.${opts.listName.replace(/\./g, '_')}`;
  return {
    start: () => [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites${xmlAttrs({ name: 'mirror-validate', ...counts })}>`,
      `  <testsuite${xmlAttrs({ name: opts.listName, ...counts, timestamp: timestamp(head.startedAt) })}>`,
      properties(head),
      '',
    ].join('\n'),
    line: (r) => `${testcase(r, classname)}\n`,
    end: () => '  </testsuite>\n</testsuites>\n',
  };
}

function properties(report: JsonReportHead): string {
  const props: [string, string][] = [];
  if (report.runId) props.push(['runId', report.runId]);
  props.push(['startedAt', report.startedAt], ['finishedAt', report.finishedAt]);
  if (report.rateLimitRemaining !== undefined) props.push(['dockerHubRateLimitRemaining', String(report.rateLimitRemaining)]);
  if (report.settings !== undefined) props.push(['settings', JSON.stringify(report.settings)]);
  const lines = props.map(([name, value]) => `      <property${xmlAttrs({ name, value })}/>`);
  return ['    <properties>', ...lines, '    </properties>'].join('\n');
}

function testcase(r: ReportLine, classname: string): string {
  const attrs = xmlAttrs({
    classname,
    name: `line ${r.line}: ${r.input}`,
    time: seconds(r.durationMs ?? 0),
  });
  const type = r.code ?? r.status;
  switch (r.status) {
    case 'PASS':
      return `    <testcase${attrs}/>`;
    case 'SKIPPED':
      return `    <testcase${attrs}>\n      <skipped${xmlAttrs({ type, message: r.message })}/>\n    </testcase>`;
    default: {
      const tag = r.status === 'FAILED' ? 'failure' : 'error';
      return `    <testcase${attrs}>\n      <${tag}${xmlAttrs({ type, message: r.message })}>${xmlText(details(r))}</${tag}>\n    </testcase>`;
    }
  }
}

/** The body of a failure/error: what was compared, the specs and the FAQ. */
export function details(r: ReportLine): string {
  const lines = [`${r.status} ${r.code ?? ''}: ${r.message}`, `line ${r.line}: ${r.input}`];
  if (r.source) lines.push(`source: ${r.source}`);
  if (r.destination) lines.push(`destination: ${r.destination}`);
  if (r.srcSpec) lines.push(`srcSpec: ${JSON.stringify(r.srcSpec)}`);
  if (r.dstSpec) lines.push(`dstSpec: ${JSON.stringify(r.dstSpec)}`);
  const faq = faqFor(r.code);
  if (faq) lines.push(`cause: ${faq.cause}`, `fix: ${faq.fix}`);
  return lines.join('\n');
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** ISO 8601 without zone or fraction (UTC), the form Jenkins parses. */
function timestamp(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().slice(0, 19);
}
