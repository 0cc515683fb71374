/**
 * `status` / `fetch` read report.json and summary.json from the bucket: a bucket is not trusted
 * input, so a report of the wrong shape is refused with one clear line before anything is
 * rendered from it.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFinished, writeFinished } from '../../lib/cli/remote-results.js';
import { changesOf } from '../../lib/core/changes.js';
import { withResults, type JsonReport } from '../../lib/core/report.js';
import { renderWith, viewOf } from '../../lib/report/formatter.js';
import { jsonFormatter } from '../../lib/report/json-report.js';
import { checkJsonReport } from '../../lib/core/report-shape.js';
import { sampleReport } from '../report/sample-report.js';

const PREFIX = 'results/nightly.txt/';
const summary = { runId: 'r1', total: 9, passed: 1, failed: 4, errors: 1, skipped: 1, invalid: 2, durationMs: 5 };

async function storeWith(report: unknown, sum: unknown = summary): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.put(`${PREFIX}report.json`, JSON.stringify(report));
  await store.put(`${PREFIX}summary.json`, JSON.stringify(sum));
  return store;
}

const fail = (m: string) => new Error(m);

/** The sample report as plain JSON with the value at `path` (dot-separated) replaced. */
function spoiled(path: string, value: unknown): unknown {
  const report = JSON.parse(JSON.stringify(sampleReport())) as Record<string, unknown>;
  const keys = path.split('.');
  let o = report;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[keys[keys.length - 1]!] = value;
  return report;
}
const hostile = '<img src=x onerror="window.__pwned=1">';

describe('readFinished checks the shape of what it reads', () => {
  it('accepts a report the pipeline writes', async () => {
    const run = await readFinished(await storeWith(sampleReport()), PREFIX);
    expect(run?.lines).toBe(9);
    expect(run?.view.head.summary.total).toBe(9);
  });

  it.each([
    ['a string where a count belongs', 'summary.total', hostile, /summary\.total: expected a whole number/],
    ['a status that is not one of the five', 'results.0.status', hostile, /results\[0\]\.status: expected one of PASS/],
    ['a code that is not a reason code', 'results.1.code', hostile, /results\[1\]\.code/],
    ['a line number that is not one', 'results.2.line', '3', /results\[2\]\.line/],
    ['results that are not a list', 'results', {}, /results: expected an array/],
    ['a spec entry without a digest', 'results.1.srcSpec', [{ platform: {} }], /results\[1\]\.srcSpec\[0\]\.digest/],
    ['a platform field that is not a string', 'results.1.dstSpec.0.platform.os', ['x'], /dstSpec\[0\]\.platform\.os/],
    ['request counts that are not numbers', 'requests', { manifestHead: hostile }, /requests\.manifestHead/],
    ['settings that are not an object', 'settings', 'x', /settings: expected an object/],
  ])('refuses %s, naming the object and the field', async (_what, path, value, message) => {
    const report = spoiled(path, value);
    const err = await readFinished(await storeWith(report), PREFIX).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REMOTE', message: expect.stringMatching(message) });
    expect((err as Error).message).toContain(`${PREFIX}report.json is not a mirror-validate report.json`);
  });

  it.each([
    ['an array', []],
    ['a count that is a string', { ...summary, failed: hostile }],
    ['a fatal that is not { code, message }', { ...summary, fatal: hostile }],
    ['a list name that is not a string', { ...summary, list: { name: 1 } }],
  ])('refuses a summary.json that is %s', async (_what, sum) => {
    await expect(readFinished(await storeWith(sampleReport(), sum), PREFIX))
      .rejects.toMatchObject({ code: 'REMOTE', message: expect.stringContaining('summary.json is not a mirror-validate summary.json') });
  });

  it('refuses a report that is not an object at all', () => {
    expect(() => checkJsonReport(null, fail)).toThrow('report: expected a JSON object');
    expect(() => checkJsonReport([1], fail)).toThrow('report: expected a JSON object');
  });
});

describe('readFinished and writeFinished stream the report', () => {
  const compared = (): JsonReport => withResults({
    ...viewOf(sampleReport()).head,
    changes: changesOf({ previous: { runId: 'r0', finishedAt: '2024-04-30T10:00:00.000Z' }, newlyFailing: 1, recovered: 0, stillFailing: 3, added: 0, removed: 1 },
      [{ line: 2, input: 'a b 1', status: 'FAILED', code: 'DIGEST_MISMATCH', message: 'x', previousStatus: 'PASS' }], []),
  }, sampleReport().results);

  it('renders the local reports from the bucket layout (one result per line), changes included', async () => {
    const report = compared();
    const store = new MemoryStore();
    await store.put(`${PREFIX}report.json`, renderWith(jsonFormatter(viewOf(report).head, { indent: 0 }), report));
    await store.put(`${PREFIX}summary.json`, JSON.stringify(summary));
    const seen: number[] = [];
    const run = await readFinished(store, PREFIX, (r) => seen.push(r.line));
    expect(seen).toEqual(report.results.map((r) => r.line));
    expect(run!.view.changes!.counts).toMatchObject({ newlyFailing: 1, recovered: 0, stillFailing: 3, removed: 1 });
    const dir = await mkdtemp(join(tmpdir(), 'mv-remote-'));
    await writeFinished(store, run!, { failedFile: join(dir, 'failed.txt'), reportFiles: [join(dir, 'r.json'), join(dir, 'r.html')] }, 'nightly.txt');
    expect(await readFile(join(dir, 'r.json'), 'utf8')).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(await readFile(join(dir, 'r.html'), 'utf8')).toContain('<section id="mv-changes">');
    await expect(readFile(join(dir, 'failed.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a change entry of the wrong shape, naming it', async () => {
    const report = compared();
    const bad = { ...report, changes: { ...report.changes!, newlyFailing: [{ ...report.changes!.newlyFailing[0]!, previousStatus: hostile }] } };
    await expect(readFinished(await storeWith(bad), PREFIX))
      .rejects.toMatchObject({ code: 'REMOTE', message: expect.stringMatching(/changes\.newlyFailing\[0\]\.previousStatus: expected null or one of/) });
  });
});
