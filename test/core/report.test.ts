import { describe, expect, it } from 'vitest';
import { addToSummary, buildJsonReport, emptySummary, failedFileContent, summarize } from '../../lib/core/report.js';
import type { LineResult, Status } from '../../lib/core/types.js';

function r(line: number, status: Status, input = `img${line}`, extra: Partial<LineResult> = {}): LineResult {
  return { line, input, status, code: status === 'PASS' ? null : 'DEST_NOT_FOUND', message: `m${line}`, ...extra };
}

describe('summarize', () => {
  it('counts every status', () => {
    const results = [r(1, 'PASS'), r(2, 'FAILED'), r(3, 'FAILED'), r(4, 'ERROR'), r(5, 'SKIPPED'), r(6, 'INVALID'), r(7, 'PASS')];
    expect(summarize(results)).toEqual({ total: 7, passed: 2, failed: 2, errors: 1, skipped: 1, invalid: 1 });
  });
  it('folds one result at a time', () => {
    const s = [r(1, 'ERROR'), r(2, 'PASS')].reduce(addToSummary, emptySummary());
    expect(s).toEqual({ total: 2, passed: 1, failed: 0, errors: 1, skipped: 0, invalid: 0 });
  });
});

describe('failedFileContent', () => {
  it('keeps FAILED and ERROR lines, trimmed, code-unit sorted, de-duplicated, one per line', () => {
    const results = [
      r(1, 'FAILED', 'nginx mirrored-nginx 1.23'),
      r(2, 'PASS', 'alpine x 1'),
      r(3, 'ERROR', '  Zeta z 1  '),
      r(4, 'FAILED', 'nginx mirrored-nginx 1.23'),
      r(5, 'SKIPPED', 'busybox b 1'),
      r(6, 'INVALID', 'INVALID LINE'),
      r(7, 'ERROR', 'apple a 1'),
    ];
    expect(failedFileContent(results)).toBe('Zeta z 1\napple a 1\nnginx mirrored-nginx 1.23\n');
  });
  it('is empty when nothing failed', () => {
    expect(failedFileContent([r(1, 'PASS'), r(2, 'SKIPPED'), r(3, 'INVALID')])).toBe('');
  });
});

describe('buildJsonReport', () => {
  const meta = {
    runId: 'run-1',
    startedAt: new Date('2024-05-01T00:00:00.000Z'),
    finishedAt: new Date('2024-05-01T00:00:02.500Z'),
    settings: { arch: ['amd64'] },
    requests: { manifestGet: 3 },
    rateLimitRemaining: 97,
  };

  it('has the summary with duration, results sorted by line with code null when absent, and the run metadata', () => {
    const spec = [{ digest: 'sha256:a', platform: { architecture: 'amd64', os: 'linux' } }];
    const report = buildJsonReport(
      [r(3, 'PASS'), r(1, 'FAILED', 'x', { srcSpec: spec, dstSpec: [], source: 'docker.io/x:1', durationMs: 12 }), r(2, 'INVALID')],
      meta,
    );
    expect(report.summary).toEqual({ total: 3, passed: 1, failed: 1, errors: 0, skipped: 0, invalid: 1, durationMs: 2500 });
    expect(report.results.map((l) => l.line)).toEqual([1, 2, 3]);
    expect(report.results[0]).toEqual({
      line: 1, input: 'x', status: 'FAILED', code: 'DEST_NOT_FOUND', message: 'm1',
      srcSpec: spec, dstSpec: [], source: 'docker.io/x:1', durationMs: 12,
    });
    expect(report.results[2]).toEqual({ line: 3, input: 'img3', status: 'PASS', code: null, message: 'm3' });
    expect(report).toMatchObject({
      runId: 'run-1', startedAt: '2024-05-01T00:00:00.000Z', finishedAt: '2024-05-01T00:00:02.500Z',
      settings: { arch: ['amd64'] }, requests: { manifestGet: 3 }, rateLimitRemaining: 97,
    });
  });

  it('round-trips through JSON and omits absent metadata', () => {
    const report = buildJsonReport([], { startedAt: '2024-05-01T00:00:00.000Z', finishedAt: '2024-05-01T00:00:00.000Z' });
    expect(JSON.parse(JSON.stringify(report))).toEqual({
      summary: { total: 0, passed: 0, failed: 0, errors: 0, skipped: 0, invalid: 0, durationMs: 0 },
      results: [],
      startedAt: '2024-05-01T00:00:00.000Z',
      finishedAt: '2024-05-01T00:00:00.000Z',
    });
  });
});

describe('report totals', () => {
  it('sums request counts and keeps the lowest Docker Hub headroom, per line and for the run', async () => {
    const { buildJsonReport } = await import('../../lib/core/report.js');
    const base = { input: 'x', status: 'PASS' as const, code: null, message: 'ok' };
    const report = buildJsonReport([
      { ...base, line: 2, requests: { manifestGet: 1, manifestHead: 2 }, rateLimitRemaining: 40 },
      { ...base, line: 1, requests: { manifestGet: 1 }, rateLimitRemaining: 75 },
      { ...base, line: 3 },
    ], { startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z' });
    expect(report.requests).toEqual({ manifestGet: 2, manifestHead: 2 });
    expect(report.rateLimitRemaining).toBe(40);
    expect(report.results.map((r) => r.rateLimitRemaining)).toEqual([75, 40, undefined]);
  });
});
