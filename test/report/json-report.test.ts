import { describe, expect, it } from 'vitest';
import { renderWith, viewOf } from '../../lib/report/formatter.js';
import { jsonFormatter } from '../../lib/report/json-report.js';
import { renderReport } from '../../lib/report/format.js';
import { bigReport, sampleReport } from './sample-report.js';
import { changesOf } from '../../lib/core/changes.js';
import { withResults, type JsonReport } from '../../lib/core/report.js';

const withChanges = (report: JsonReport, n = 2): JsonReport => withResults({
  ...viewOf(report).head,
  changes: changesOf({ previous: { runId: 'r0', finishedAt: '2024-04-30T10:00:00.000Z' }, newlyFailing: n, recovered: 1, stillFailing: 2, added: 1, removed: 3 },
    Array.from({ length: n }, (_, i) => ({ line: i + 2, input: `a b ${i}`, status: 'FAILED' as const, code: 'DIGEST_MISMATCH' as const, message: 'x', previousStatus: i ? 'PASS' as const : null })),
    [{ line: 3, input: 'c d 1', status: 'PASS', code: null, message: 'ok', previousStatus: 'ERROR' }]),
}, report.results);

describe('JSON report as a stream', () => {
  it.each([['with changes', withChanges(sampleReport())], ['with empty change lists', withChanges(sampleReport([]), 0)]])(
    'indented %s: byte for byte JSON.stringify, the changes after the results', (_what, report) => {
      const text = renderReport('json', report, 'l');
      expect(text).toBe(`${JSON.stringify(report, null, 2)}\n`);
      expect(Object.keys(JSON.parse(text) as object).slice(0, 3)).toEqual(['summary', 'results', 'changes']);
      const compact = renderWith(jsonFormatter(viewOf(report).head, { indent: 0 }), report);
      expect(JSON.parse(compact)).toEqual(report);
    });

  it.each([['the sample', sampleReport()], ['no lines', sampleReport([])], ['1,000 lines', bigReport(1000)]])(
    'indented: byte for byte JSON.stringify(report, null, 2), for %s', (_what, report) => {
      expect(renderReport('json', report, 'l')).toBe(`${JSON.stringify(report, null, 2)}\n`);
    });

  it.each([['the sample', sampleReport()], ['no lines', sampleReport([])]])('compact: the same value, one result per line, for %s', (_what, report) => {
    const text = renderWith(jsonFormatter(viewOf(report).head, { indent: 0 }), report);
    expect(JSON.parse(text)).toEqual(report);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(report.results.length === 0 ? 1 : report.results.length + 2);
    if (report.results.length > 0) expect(JSON.parse(lines[1]!.replace(/,$/, ''))).toEqual(report.results[0]);
  });
});
