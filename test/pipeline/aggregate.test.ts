import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { finalizeRun, NO_RESULT_MESSAGE, type AggregateOptions, type Comparison } from '../../lib/pipeline/aggregate.js';
import { keyEntryTexts } from '../../lib/core/changes.js';
import type { ObjectStore } from '../../lib/ports.js';

/** The run's summary once closed, else null. */
async function aggregateRun(runId: string, store: ObjectStore, opts?: AggregateOptions) {
  return (await finalizeRun(runId, store, opts))?.summary ?? null;
}
import { splitList } from '../../lib/pipeline/split.js';
import { resultKey, runKeys } from '../../lib/pipeline/run-layout.js';
import type { JsonReport } from '../../lib/core/report.js';
import type { LineResult, Status } from '../../lib/core/types.js';
import { keys, lines, readObj, readText, RecordingQueue, reportResults, settings, stream, verdict, workItem } from './helpers.js';

const K = runKeys('r1');
const at = (iso: string) => () => new Date(iso);

/** A split run of lines 1,2,3 (images), 5 (invalid), 6 (image). */
async function splitRun(store: MemoryStore): Promise<void> {
  await splitList({ runId: 'r1', list: { name: 'list.txt' }, lines: stream(lines(1, 2, 3, 'x5', 6)), queue: new RecordingQueue(), store, settings, now: at('2025-01-01T00:00:00Z') });
}

async function record(store: MemoryStore, line: number, status: Status, input?: string): Promise<void> {
  const r = verdict(workItem('r1', line), status);
  await store.put(resultKey('r1', line), JSON.stringify(input ? { ...r, input } : r), { ifNoneMatch: true });
}

async function outputs(store: MemoryStore): Promise<(string | null)[]> {
  return Promise.all([K.report, K.summary, K.failed, K.done].map((k) => readText(store, k)));
}

describe('finalizeRun', () => {
  it('fails with RUN_NOT_FOUND for an unknown run', async () => {
    await expect(aggregateRun('nope', new MemoryStore())).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });

  it('returns null and writes nothing while the split is counting or lines are missing', async () => {
    const store = new MemoryStore();
    await store.put(K.record, JSON.stringify({ runId: 'r1', totalLines: 'counting', startedAt: '2025-01-01T00:00:00.000Z' }));
    expect(await aggregateRun('r1', store)).toBeNull();
    await splitRun(store);
    await record(store, 1, 'PASS');
    await record(store, 2, 'PASS');
    await record(store, 3, 'PASS');
    expect(await aggregateRun('r1', store)).toBeNull();
    expect(await outputs(store)).toEqual([null, null, null, null]);
  });

  it('writes report, summary, failed file and done once every line has a result', async () => {
    const store = new MemoryStore();
    await splitRun(store);
    await record(store, 6, 'ERROR', 'zeta:1');
    await record(store, 1, 'PASS');
    await record(store, 2, 'FAILED', 'zeta:1');
    await record(store, 3, 'FAILED', 'alpha:2');
    const summary = await aggregateRun('r1', store, { now: at('2025-01-01T00:10:00Z') });
    expect(summary).toMatchObject({
      runId: 'r1', total: 5, passed: 1, failed: 2, errors: 1, skipped: 0, invalid: 1,
      startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:10:00.000Z', durationMs: 600_000, forced: false, missing: 0,
    });
    const report = await readObj<JsonReport>(store, K.report);
    expect(report!.results.map((r) => [r.line, r.status])).toEqual([[1, 'PASS'], [2, 'FAILED'], [3, 'FAILED'], [5, 'INVALID'], [6, 'ERROR']]);
    expect(report!.summary).toMatchObject({ total: 5, failed: 2, durationMs: 600_000 });
    expect(await readObj(store, K.summary)).toEqual(summary);
    expect(await readText(store, K.failed)).toBe('alpha:2\nzeta:1\n');
    expect(await store.head(K.done)).not.toBeNull();
  });

  it('produces the same outputs when run twice, or by two aggregators at once', async () => {
    const once = new MemoryStore();
    const twice = new MemoryStore();
    for (const store of [once, twice]) {
      await splitRun(store);
      for (const l of [1, 2, 3, 6]) await record(store, l, l === 2 ? 'FAILED' : 'PASS');
    }
    await aggregateRun('r1', once, { now: at('2025-01-01T00:10:00Z') });
    await Promise.all([
      aggregateRun('r1', twice, { now: at('2025-01-01T00:10:00Z') }),
      aggregateRun('r1', twice, { now: at('2025-01-01T00:11:00Z') }),
    ]);
    const again = await aggregateRun('r1', twice, { now: at('2025-01-01T05:00:00Z') });
    expect(again!.finishedAt).toBe('2025-01-01T00:10:00.000Z');
    expect(await outputs(twice)).toEqual(await outputs(once));
  });

  it('with force, records missing lines as ERROR NO_RESULT, and a late result cannot replace them', async () => {
    const store = new MemoryStore();
    await splitRun(store);
    await record(store, 1, 'PASS');
    await record(store, 3, 'PASS');
    const out = await finalizeRun('r1', store, {
      force: true, now: at('2025-01-01T07:00:00Z'), inputs: () => ({ inputsOf: async (ls) => new Map(ls.map((l) => [l, { input: `lost${l}:1` }])) }),
    });
    expect(out!.summary).toMatchObject({ total: 5, passed: 2, errors: 2, invalid: 1, forced: true, missing: 2 });
    expect((await reportResults(store, 'r1')).filter((r) => r.code === 'NO_RESULT')).toEqual([
      { line: 2, input: 'lost2:1', status: 'ERROR', code: 'NO_RESULT', message: NO_RESULT_MESSAGE },
      { line: 6, input: 'lost6:1', status: 'ERROR', code: 'NO_RESULT', message: NO_RESULT_MESSAGE },
    ]);
    expect(await readText(store, K.failed)).toBe('lost2:1\nlost6:1\n');
    await record(store, 2, 'PASS');
    expect(await readObj<LineResult>(store, resultKey('r1', 2))).toMatchObject({ code: 'NO_RESULT' });
  });

  it('forces a run whose split never finished with the results it has', async () => {
    const store = new MemoryStore();
    await store.put(K.record, JSON.stringify({ runId: 'r1', list: { name: 'l' }, totalLines: 'counting', startedAt: '2025-01-01T00:00:00.000Z' }));
    await record(store, 4, 'PASS');
    expect(await aggregateRun('r1', store, { force: true })).toMatchObject({ total: 1, passed: 1, missing: 0 });
  });

  it('leaves no failed file when nothing failed, deleting a stale one', async () => {
    const store = new MemoryStore();
    await splitList({ runId: 'r1', lines: stream(lines(1, 2)), queue: new RecordingQueue(), store, settings });
    await store.put(K.failed, 'stale:1\n');
    await record(store, 1, 'PASS');
    await record(store, 2, 'SKIPPED');
    expect(await aggregateRun('r1', store)).toMatchObject({ total: 2, passed: 1, skipped: 1 });
    expect(await store.head(K.failed)).toBeNull();
    expect(await keys(store, K.prefix)).toEqual([
      K.claim, K.done, K.reportHtml, K.report, K.reportXml, K.resultsPrefix + '000000001.json', K.resultsPrefix + '000000002.json', K.record,
      K.shardsPrefix + '000000.ndjson', K.summary,
    ]);
  });

  it('writes the HTML and JUnit reports of the run beside report.json, named after the list', async () => {
    const store = new MemoryStore();
    await splitRun(store);
    await record(store, 1, 'PASS');
    await record(store, 2, 'FAILED', 'zeta:1');
    await record(store, 3, 'SKIPPED');
    await record(store, 6, 'ERROR', 'alpha:</script>');
    await aggregateRun('r1', store, { now: at('2025-01-01T00:10:00Z') });
    const html = await readText(store, K.reportHtml);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<title>mirror-validate report: list.txt</title>');
    expect(html).toContain('alpha:\\u003c/script\\u003e');
    const xml = await readText(store, K.reportXml);
    expect(xml).toContain('<testsuite name="list.txt" tests="5" failures="1" errors="2" skipped="1"');
    expect(xml).toContain('<testcase classname="mirror-validate.list_txt" name="line 6: alpha:&lt;/script&gt;"');
  });

  it('compared runs: two aggregators at once write the same outputs, with the previous run of the first claim', async () => {
    const baseline = [verdict(workItem('r1', 1), 'FAILED'), verdict(workItem('r1', 2), 'PASS')];
    const stores = [new MemoryStore(), new MemoryStore()];
    for (const store of stores) {
      await store.put('prev/keys.txt', keyEntryTexts(baseline).map((t) => `${t}\n`).join(''));
      await splitRun(store);
      for (const l of [1, 2, 3, 6]) await record(store, l, l === 2 ? 'FAILED' : 'PASS');
    }
    let calls = 0;
    const compare: Comparison = {
      // The published run moves between the two aggregators' looks: the claim decides.
      find: async () => ({ runId: `prev-${++calls}`, finishedAt: '2024-12-31T00:00:00.000Z' }),
      keysOf: async () => 'prev/keys.txt',
    };
    await aggregateRun('r1', stores[0]!, { now: at('2025-01-01T00:10:00Z'), compare: { ...compare, find: async () => ({ runId: 'prev-1', finishedAt: '2024-12-31T00:00:00.000Z' }) } });
    await Promise.all([
      aggregateRun('r1', stores[1]!, { now: at('2025-01-01T00:10:00Z'), compare }),
      aggregateRun('r1', stores[1]!, { now: at('2025-01-01T00:11:00Z'), compare }),
    ]);
    expect(await outputs(stores[1]!)).toEqual(await outputs(stores[0]!));
    const report = await readObj<JsonReport>(stores[1]!, K.report);
    expect(report!.changes).toMatchObject({ previous: { runId: 'prev-1' }, stillFailing: 0, added: 3, removed: 0 });
    expect(report!.changes!.newlyFailing.map((e) => [e.line, e.previousStatus])).toEqual([[2, 'PASS'], [5, null]]);
    expect(report!.changes!.recovered.map((e) => [e.line, e.previousStatus])).toEqual([[1, 'FAILED']]);
    expect(await readObj(stores[1]!, K.summary)).toMatchObject({ newlyFailing: 2, recovered: 1, regressed: true, previous: { runId: 'prev-1' } });
  });
});
