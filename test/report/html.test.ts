import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { FAQ } from '../../lib/core/faq.js';
import { renderHtmlReport } from '../../lib/report/html.js';
import { embedJson, escapeHtml } from '../../lib/report/html-escape.js';
import { formatDuration } from '../../lib/report/html-summary.js';
import { reportFormatOf, renderReport } from '../../lib/report/format.js';
import { bigReport, sampleReport, XSS_INPUT } from './sample-report.js';

function dataOf(html: string): { rows: unknown[][]; faq: Record<string, { cause: string; fix: string }> } {
  const m = /<script type="application\/json" id="mv-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m?.[1] ?? 'null');
}

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(sampleReport(), { listName: 'images <1>.txt' });

  it('is self-contained: no external src/href, no link or remote script', () => {
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).not.toMatch(/<link\b|<iframe\b|@import|url\(/i);
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="application/json" id="mv-data">', '<script>']);
    expect(html).toContain("default-src 'none'");
  });

  it('allows exactly its one inline script, by sha256, and no \'unsafe-inline\' script', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1];
    const inline = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(scriptSrc).toBe(`'sha256-${createHash('sha256').update(inline).digest('base64')}'`);
  });

  it('embeds every line, and the hostile input cannot close the data block', () => {
    const data = dataOf(html);
    expect(data.rows.map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(data.rows[6]?.[3]).toBe(XSS_INPUT);
    expect(html.split('</script>')).toHaveLength(3);
    expect(html).not.toContain('window.__pwned=1</script>');
  });

  it('embeds the FAQ of the codes that occur, worded as the FAQ table', () => {
    const { faq } = dataOf(html);
    expect(Object.keys(faq).sort()).toEqual(['AUTH', 'DEST_MEDIA_TYPE', 'DEST_NOT_FOUND', 'DIGEST_MISMATCH', 'INVALID_FORMAT',
      'INVALID_REFERENCE', 'NO_MATCHING_PLATFORM', 'PLATFORM_MISMATCH']);
    expect(faq.DIGEST_MISMATCH?.fix).toBe('run mirror again');
  });

  it('escapes the list name and shows the summary facts', () => {
    expect(html).toContain('<title>mirror-validate report: images &lt;1&gt;.txt</title>');
    expect(html).toContain('<dt>Destination registry</dt><dd>mirror.local</dd>');
    expect(html).toContain('<dt>Docker Hub quota left</dt><dd>97 pulls');
    expect(html).toContain('<dt>Duration</dt><dd>1 min 06 s</dd>');
    expect(html).toMatch(/<svg id="mv-chart"[^>]*>.*<rect[^>]*class="bar st-FAILED"><title>FAILED: 4<\/title>/);
  });
});

describe('renderHtmlReport: --signatures', () => {
  it('shows SIGNATURE_MISSING with its cause and fix, and the run setting', () => {
    const message = 'destination signature tag sha256-0123456789ab….sig does not exist';
    const report = sampleReport([{ line: 1, input: 'a b 1', status: 'FAILED', code: 'SIGNATURE_MISSING', message }]);
    const html = renderHtmlReport({ ...report, settings: { ...(report.settings as object), signatures: true } });
    expect(html).toContain('data-code="SIGNATURE_MISSING"');
    expect(html).toContain(escapeHtml(FAQ.SIGNATURE_MISSING.fix));
    expect(html).toContain('<dt>Signatures</dt><dd>true</dd>');
    expect(dataOf(html).faq.SIGNATURE_MISSING?.cause).toBe(FAQ.SIGNATURE_MISSING.cause);
    expect(JSON.stringify(dataOf(html).rows)).toContain(message);
  });
});

describe('HTML report beyond HTML_ALL_LINES_MAX lines', () => {
  it('up to 100,000 lines lists every line and says nothing about a limit', () => {
    const html = renderHtmlReport(bigReport(100_000), { listName: 'big.txt' });
    const data = dataOf(html) as ReturnType<typeof dataOf> & { rowsOf: string; total: number };
    expect(data.rows).toHaveLength(100_000);
    expect([data.rowsOf, data.total]).toEqual(['all', 100_000]);
    expect(html).not.toContain('id="mv-cap"');
  });

  it('beyond, lists every line that did not PASS, counts the rest, and says so at the top', () => {
    const report = bigReport(100_001);
    const html = renderHtmlReport(report, { listName: 'big.txt' });
    const data = dataOf(html) as ReturnType<typeof dataOf> & { rowsOf: string; total: number };
    const notPass = report.results.filter((r) => r.status !== 'PASS');
    expect(data.rows.map((r) => r[0])).toEqual(notPass.map((r) => r.line));
    expect([data.rowsOf, data.total]).toEqual(['not-pass', 100_001]);
    const header = /<header>[\s\S]*?<\/header>/.exec(html)?.[0] ?? '';
    expect(header).toContain(`This run has 100001 lines, more than 100000: the table lists the ${notPass.length} lines that did not pass; `
      + `the ${report.summary.passed} PASS lines are counted above and listed in report.json.`);
    expect(html).toContain('<h2>Lines that did not pass</h2>');
    expect(html).toMatch(/<input type="checkbox" name="mv-status" value="PASS" disabled>/);
    expect(html).toContain(`<div class="n">${report.summary.passed}</div><div class="l">PASS</div>`);
  });
});

describe('helpers', () => {
  it.each([
    ['<a href="x">&\'', '&lt;a href=&quot;x&quot;&gt;&amp;&#39;'],
  ])('escapeHtml(%j)', (input, out) => expect(escapeHtml(input)).toBe(out));

  it('embedJson round-trips and hides markup', () => {
    const value = { s: '</script><!-- & \u2028 \u2029 >' };
    const text = embedJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it.each([[500, '0.5 s'], [65_500, '1 min 06 s'], [3_725_000, '1 h 02 min']])('formatDuration(%i)', (ms, out) => {
    expect(formatDuration(ms)).toBe(out);
  });

  it.each([
    ['r.json', 'json'], ['R.JSON', 'json'], ['a/b.xml', 'junit'], ['x.html', 'html'], ['x.HTM', 'html'],
    ['x.pdf', null], ['json', null], ['x.json.txt', null],
  ])('reportFormatOf(%j) = %j', (name, format) => expect(reportFormatOf(name)).toBe(format));

  it('renderReport dispatches by format', () => {
    const r = sampleReport();
    expect(JSON.parse(renderReport('json', r, 'l'))).toEqual(r);
    expect(renderReport('junit', r, 'l')).toContain('<testsuite name="l"');
    expect(renderReport('html', r, 'l')).toMatch(/^<!DOCTYPE html>/);
  });
});
