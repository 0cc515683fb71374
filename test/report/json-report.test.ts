import { describe, expect, it } from 'vitest';
import { renderWith, viewOf } from '../../lib/report/formatter.js';
import { jsonFormatter } from '../../lib/report/json-report.js';
import { renderReport } from '../../lib/report/format.js';
import { bigReport, sampleReport } from './sample-report.js';

describe('JSON report as a stream', () => {
  it.each([['the sample', sampleReport()], ['no lines', sampleReport([])], ['1,000 lines', bigReport(1000)]])(
    'indented: byte for byte JSON.stringify(report, null, 2), for %s', (_what, report) => {
      expect(renderReport('json', report, 'l')).toBe(`${JSON.stringify(report, null, 2)}\n`);
    });

  it.each([['the sample', sampleReport()], ['no lines', sampleReport([])]])('compact: the same value, one result per line, for %s', (_what, report) => {
    const text = renderWith(jsonFormatter(viewOf(report).head, { indent: 0 }), report.results);
    expect(JSON.parse(text)).toEqual(report);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(report.results.length === 0 ? 1 : report.results.length + 2);
    if (report.results.length > 0) expect(JSON.parse(lines[1]!.replace(/,$/, ''))).toEqual(report.results[0]);
  });
});
