import { describe, expect, it } from 'vitest';
import { changesOf } from '../../lib/core/changes.js';
import { reportResults, ReportReadError, type ReportHeadInfo } from '../../lib/core/report-stream.js';
import { withResults, type JsonReport } from '../../lib/core/report.js';
import { renderWith, viewOf } from '../../lib/report/formatter.js';
import { jsonFormatter } from '../../lib/report/json-report.js';
import { bigReport, sampleReport } from '../report/sample-report.js';

async function* linesOf(text: string): AsyncGenerator<string> {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  yield* lines;
}

async function read(text: string): Promise<{ results: unknown[]; head: ReportHeadInfo | undefined }> {
  let head: ReportHeadInfo | undefined;
  const results: unknown[] = [];
  for await (const r of reportResults(linesOf(text), (h) => { head = h; })) results.push(r);
  return { results, head };
}

const withChanges = (report: JsonReport): JsonReport => withResults({
  ...viewOf(report).head,
  changes: changesOf({ previous: { runId: 'r0', finishedAt: '2024-04-30T10:00:00.000Z' }, newlyFailing: 1, recovered: 1, stillFailing: 2, added: 1, removed: 0 },
    [{ line: 2, input: 'a b 1', status: 'FAILED', code: 'DIGEST_MISMATCH', message: 'x', previousStatus: 'PASS' }],
    [{ line: 3, input: 'c d 1', status: 'PASS', code: null, message: 'ok', previousStatus: null }]),
}, report.results);

describe('reportResults', () => {
  const report = withChanges(sampleReport());
  it.each([
    ['the bucket layout (one result per line)', renderWith(jsonFormatter(viewOf(report).head, { indent: 0 }), report)],
    ['the --report layout (indented)', `${JSON.stringify(report, null, 2)}\n`],
    ['any other layout (parsed whole)', JSON.stringify(report)],
  ])('reads every result and the head of %s, not the changes', async (_what, text) => {
    const { results, head } = await read(text);
    expect(results).toEqual(report.results);
    expect(head).toMatchObject({ runId: 'run-sample', finishedAt: report.finishedAt });
    // The head is everything outside the streamed arrays, arrays of its own included.
    expect((head as { settings?: unknown }).settings).toEqual(report.settings);
    expect(report.settings).toMatchObject({ arch: ['amd64', 'arm64'] });
  });

  it('reads 1,000 results of either layout in order', async () => {
    const big = bigReport(1000);
    for (const text of [renderWith(jsonFormatter(viewOf(big).head, { indent: 0 }), big), JSON.stringify(big, null, 2)]) {
      expect((await read(text)).results.map((r) => (r as { line: number }).line)).toEqual(big.results.map((r) => r.line));
    }
  });

  it.each([
    ['a result with an unknown status', JSON.stringify({ ...sampleReport(), results: [{ line: 1, input: 'x', status: 'MAYBE', code: null, message: '' }] }, null, 2), /result 1: status is not one of/],
    ['no results array', '{"summary":{}}', /no results array/],
    ['not JSON', 'hello', /not valid JSON/],
    ['a truncated file', JSON.stringify(sampleReport(), null, 2).split('\n').slice(0, 30).join('\n'), /ends inside an array/],
  ])('refuses %s with one clear message', async (_what, text, message) => {
    await expect(read(text)).rejects.toThrow(ReportReadError);
    await expect(read(text)).rejects.toThrow(message);
  });
});
