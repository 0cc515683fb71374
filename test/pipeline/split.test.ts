import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { splitList } from '../../lib/pipeline/split.js';
import { resultKey, runKeys } from '../../lib/pipeline/run-layout.js';
import type { RunRecord } from '../../lib/pipeline/run-record.js';
import type { LineResult } from '../../lib/core/types.js';
import { flush } from '../../lib/adapters/local/clock.js';
import { imageLine, keys, lines, readObj, RecordingQueue, settings, stream } from './helpers.js';

const base = (store: MemoryStore, queue: RecordingQueue, items = lines(1, 2, 3, 'x5', 6)) => ({
  runId: 'r1', list: { name: 'list.txt', key: 'lists/list.txt' }, lines: stream(items), queue, store, settings,
  now: () => new Date('2025-01-01T00:00:00Z'),
});

describe('splitList', () => {
  it('sends image lines, records invalid lines, and writes the exact total with line ranges', async () => {
    // Prepare
    const store = new MemoryStore();
    const queue = new RecordingQueue();
    const invalid: LineResult[] = [];
    // Act
    const out = await splitList({ ...base(store, queue), onInvalid: (r) => invalid.push(r) });
    // Assess
    expect(out.duplicate).toBe(false);
    expect(queue.lines()).toEqual([1, 2, 3, 6]);
    expect(queue.sends.flat()[0]).toEqual({ runId: 'r1', ...(({ kind: _k, ...rest }) => rest)(imageLine(1)) });
    expect(await keys(store, runKeys('r1').resultsPrefix)).toEqual([resultKey('r1', 5)]);
    expect(await readObj<LineResult>(store, resultKey('r1', 5))).toEqual({
      line: 5, input: 'bad line 5', status: 'INVALID', code: 'INVALID_FORMAT', message: 'line 5: invalid format',
    });
    expect(invalid.map((r) => r.line)).toEqual([5]);
    const record = await readObj<RunRecord>(store, runKeys('r1').record);
    expect(record).toMatchObject({ runId: 'r1', totalLines: 5, images: 4, invalid: 1, lines: [[1, 3], [5, 6]], startedAt: '2025-01-01T00:00:00.000Z' });
    expect(record!.settings).toEqual(settings);
    expect(Date.parse(record!.deadline)).toBeGreaterThan(Date.parse(record!.startedAt));
  });

  it('sends in batches of at most batchSize, with at most `parallel` sends in flight', async () => {
    const queue = new RecordingQueue();
    queue.hold();
    const items = Array.from({ length: 25 }, (_, i) => imageLine(i + 1));
    const splitting = splitList({ ...base(new MemoryStore(), queue, items), batchSize: 10, parallel: 2 });
    await flush();
    expect(queue.maxInFlight).toBe(2);
    queue.releaseAll();
    await splitting;
    expect(queue.sends.map((b) => b.length).sort()).toEqual([10, 10, 5]);
    expect(queue.maxInFlight).toBe(2);
  });

  it('stops reading the list while sends are stuck (bounded memory)', async () => {
    const queue = new RecordingQueue();
    queue.hold();
    let pulled = 0;
    const items = Array.from({ length: 1000 }, (_, i) => imageLine(i + 1));
    const splitting = splitList({ ...base(new MemoryStore(), queue), lines: stream(items, (n) => (pulled = n)), batchSize: 10, parallel: 2 });
    for (let i = 0; i < 5; i++) await flush();
    expect(pulled).toBeLessThanOrEqual(31);
    queue.releaseAll();
    await splitting;
    expect(queue.lines()).toHaveLength(1000);
  });

  it('is a no-op when the run was already split (duplicate S3 event)', async () => {
    const store = new MemoryStore();
    const first = new RecordingQueue();
    await splitList(base(store, first));
    const before = await keys(store, '');
    const again = new RecordingQueue();
    const out = await splitList(base(store, again));
    expect(out.duplicate).toBe(true);
    expect(out.record.totalLines).toBe(5);
    expect(again.sends).toEqual([]);
    expect(await keys(store, '')).toEqual(before);
  });

  it('leaves a fresh `counting` run to its splitter, and takes over a stale one', async () => {
    const store = new MemoryStore();
    const stale = { version: 1, runId: 'r1', list: { name: 'l' }, settings, startedAt: '2025-01-01T00:00:00.000Z', splitStartedAt: '2025-01-01T00:00:00.000Z', deadline: '2025-01-01T06:00:00.000Z', totalLines: 'counting' };
    await store.put(runKeys('r1').record, JSON.stringify(stale));
    const young = new RecordingQueue();
    const out1 = await splitList({ ...base(store, young), now: () => new Date('2025-01-01T00:05:00Z') });
    expect([out1.duplicate, young.sends.length]).toEqual([true, 0]);
    const old = new RecordingQueue();
    const out2 = await splitList({ ...base(store, old), now: () => new Date('2025-01-01T01:00:00Z') });
    expect(out2.duplicate).toBe(false);
    expect(old.lines()).toEqual([1, 2, 3, 6]);
    expect(out2.record).toMatchObject({ totalLines: 5, startedAt: '2025-01-01T00:00:00.000Z', splitStartedAt: '2025-01-01T01:00:00.000Z' });
  });

  it('keeps an existing result of an invalid line (first result wins)', async () => {
    const store = new MemoryStore();
    await store.put(resultKey('r1', 5), '{"line":5,"status":"INVALID","input":"earlier"}');
    await splitList(base(store, new RecordingQueue()));
    expect(await readObj<LineResult>(store, resultKey('r1', 5))).toMatchObject({ input: 'earlier' });
  });

  it('fails with NO_IMAGES on an empty list and leaves no run record', async () => {
    const store = new MemoryStore();
    await expect(splitList(base(store, new RecordingQueue(), []))).rejects.toMatchObject({ code: 'NO_IMAGES', message: 'no images in list' });
    expect(await store.head(runKeys('r1').record)).toBeNull();
  });

  it('accepts a list of only invalid lines', async () => {
    const store = new MemoryStore();
    const out = await splitList(base(store, new RecordingQueue(), lines('x1', 'x4')));
    expect(out.record).toMatchObject({ totalLines: 2, images: 0, invalid: 2, lines: [[1, 1], [4, 4]] });
  });

  it('rejects a run id that cannot be a key segment', async () => {
    await expect(splitList({ ...base(new MemoryStore(), new RecordingQueue()), runId: '../x' })).rejects.toMatchObject({ code: 'INVALID_RUN_ID' });
  });
});
