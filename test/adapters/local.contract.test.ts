import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../lib/adapters/local/fs-store.js';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { SplitStore } from '../../lib/adapters/local/split-store.js';
import { isComparisonObject } from '../../lib/pipeline/compare-runs.js';
import { MemoryQueue, memoryWorkQueues } from '../../lib/adapters/local/memory-queue.js';
import { ManualClock } from '../../lib/adapters/local/clock.js';
import { objectStoreContract } from '../contracts/object-store.contract.js';
import { workQueueContract, type TestBody } from '../contracts/work-queue.contract.js';

objectStoreContract('FsObjectStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mv-fs-store-'));
  return { store: new FsObjectStore(dir), teardown: () => rm(dir, { recursive: true, force: true }) };
});

objectStoreContract('MemoryStore', () => ({ store: new MemoryStore() }));

// Keys split between the two by their last character, so listings merge, and copies cross, both ways.
objectStoreContract('SplitStore (memory and a directory)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mv-split-store-'));
  const toSide = (key: string) => key.charCodeAt(key.length - 1) % 2 === 1;
  return { store: new SplitStore(new MemoryStore(), new FsObjectStore(dir), toSide), teardown: () => rm(dir, { recursive: true, force: true }) };
});

workQueueContract('MemoryQueue', () => {
  const clock = new ManualClock();
  const deadLetter = new MemoryQueue<TestBody>({ visibilityTimeoutMs: 1000, maxReceiveCount: 0, clock });
  const queue = new MemoryQueue<TestBody>({ visibilityTimeoutMs: 30_000, maxReceiveCount: 3, deadLetter, clock });
  // A MemoryQueue's long poll is waiting as soon as `receive` returns its promise.
  return { queue, deadLetter, visibilityTimeoutMs: 30_000, maxReceiveCount: 3, advance: (ms) => clock.advance(ms), polling: async () => undefined };
});

describe('FsObjectStore specifics', () => {
  it('keeps metadata and temporary files out of the listed tree', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mv-fs-store-'));
    try {
      const store = new FsObjectStore(dir);
      await store.put('a/b.json', '{}', { metadata: { x: '1' } });
      expect((await readdir(join(dir, 'a'))).sort()).toEqual(['b.json']);
      await expect(store.put('.mv-meta/x', 'y')).rejects.toMatchObject({ code: 'INVALID_KEY' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a key that clashes with a folder as KEY_CONFLICT', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mv-fs-store-'));
    try {
      const store = new FsObjectStore(dir);
      await store.put('a/b', 'x');
      await expect(store.put('a', 'y')).rejects.toMatchObject({ code: 'KEY_CONFLICT' });
      await expect(store.put('a', 'y', { ifNoneMatch: true })).rejects.toMatchObject({ code: 'KEY_CONFLICT' });
      await expect(store.put('a/b/c', 'z')).rejects.toMatchObject({ code: 'KEY_CONFLICT' });
      expect(await store.get('a')).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('MemoryQueue specifics', () => {
  const make = (clock: ManualClock, extra: Partial<ConstructorParameters<typeof MemoryQueue<number>>[0]> = {}) =>
    new MemoryQueue<number>({ visibilityTimeoutMs: 1000, maxReceiveCount: 2, clock, ...extra });

  it('does not delete on a stale-receipt ack: the message comes back', async () => {
    const clock = new ManualClock();
    const q = make(clock);
    await q.send([1]);
    const [first] = await q.receive(1);
    await clock.advance(1000);
    const [second] = await q.receive(1);
    await q.ack(first!);
    expect(q.size()).toBe(1);
    expect(q.inFlight()).toBe(1);
    await q.release(first!);
    expect(await q.receive(1)).toEqual([]);
    await q.ack(second!);
    expect(q.size()).toBe(0);
  });

  it('counts in-flight messages and returns them after the timeout', async () => {
    const clock = new ManualClock();
    const q = make(clock);
    await q.send([1, 2, 3]);
    await q.receive(2);
    expect([q.size(), q.inFlight()]).toEqual([3, 2]);
    await clock.advance(1000);
    expect(q.inFlight()).toBe(0);
  });

  it('memoryWorkQueues dead-letters a message that comes back after maxReceiveCount receives', async () => {
    const clock = new ManualClock();
    const { queue, deadLetters } = memoryWorkQueues<number>({ maxReceiveCount: 2, visibilityTimeoutMs: 1000, clock });
    await queue.send([1]);
    for (let i = 0; i < 2; i++) await queue.release((await queue.receive(1))[0]!);
    expect(await queue.receive(1)).toEqual([]);
    expect([queue.size(), deadLetters.bodies()]).toEqual([0, [1]]);
  });

  it('keeps redelivering without a dead-letter queue', async () => {
    const clock = new ManualClock();
    const q = make(clock);
    await q.send([1]);
    for (let i = 1; i <= 4; i++) {
      const [m] = await q.receive(1);
      expect(m!.receiveCount).toBe(i);
      await clock.advance(1000);
    }
  });
});

describe('SplitStore specifics', () => {
  it('keeps a run\'s comparison objects on the side, everything else in the main store, and lists them together', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mv-split-store-'));
    try {
      const main = new MemoryStore();
      const store = new SplitStore(main, new FsObjectStore(dir), isComparisonObject);
      const side = ['runs/r1/keys.txt', 'runs/r1/baseline.txt', 'runs/r1/baseline/000000.txt', 'runs/r1/changes/recovered.ndjson',
        'runs/r1/merge/keys/0-1.txt', 'runs/r1/merge/failed/0-1.txt', 'runs/r1/shards/000000.keys.txt'];
      const kept = ['runs/r1/results/000000001.json', 'runs/r1/shards/000000.ndjson', 'runs/r1/shards/000000.failed.txt', 'runs/r1/report.json',
        'runs/r1/aggregating.json', 'results/keys.txt/report.json', 'lists/keys.txt'];
      for (const k of [...side, ...kept]) await store.put(k, k);
      expect(main.size()).toBe(kept.length);
      expect((await readdir(join(dir, 'runs', 'r1'))).sort()).toEqual(['baseline', 'baseline.txt', 'changes', 'keys.txt', 'merge', 'shards']);
      const listed: string[] = [];
      for await (const k of store.list('runs/r1/shards/')) listed.push(k);
      expect(listed).toEqual(['runs/r1/shards/000000.failed.txt', 'runs/r1/shards/000000.keys.txt', 'runs/r1/shards/000000.ndjson']);
      const folders: string[] = [];
      for await (const f of store.listFolders('runs/')) folders.push(f);
      expect(folders).toEqual(['runs/r1/']);
      expect(await store.copy('runs/r1/keys.txt', 'runs/r1/report.json', { ifMatch: '"stale"' })).toBe('changed');
      expect(await store.copy('runs/r1/keys.txt', 'runs/r1/report.json')).toBe('copied');
      expect(Buffer.from((await main.get('runs/r1/report.json'))!).toString()).toBe('runs/r1/keys.txt');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
