import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../lib/adapters/local/fs-store.js';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { MemoryQueue, memoryWorkQueues } from '../../lib/adapters/local/memory-queue.js';
import { ManualClock } from '../../lib/adapters/local/clock.js';
import { objectStoreContract } from '../contracts/object-store.contract.js';
import { workQueueContract, type TestBody } from '../contracts/work-queue.contract.js';

objectStoreContract('FsObjectStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mv-fs-store-'));
  return { store: new FsObjectStore(dir), teardown: () => rm(dir, { recursive: true, force: true }) };
});

objectStoreContract('MemoryStore', () => ({ store: new MemoryStore() }));

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
