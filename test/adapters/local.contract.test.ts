import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../lib/adapters/local/fs-store.js';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { MemoryQueue } from '../../lib/adapters/local/memory-queue.js';
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
  return { queue, deadLetter, visibilityTimeoutMs: 30_000, maxReceiveCount: 3, advance: (ms) => clock.advance(ms) };
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

  it('with a capacity, send waits until consumers make room', async () => {
    const clock = new ManualClock();
    const q = make(clock, { capacity: 2 });
    let sent = false;
    const sending = q.send([1, 2, 3]).then(() => (sent = true));
    await clock.advance(0);
    expect([sent, q.size()]).toEqual([false, 2]);
    const [m] = await q.receive(1);
    await q.ack(m!);
    await sending;
    expect([sent, q.size()]).toEqual([true, 2]);
  });

  it('close ends a long poll with [] and rejects later sends', async () => {
    const clock = new ManualClock();
    const q = make(clock);
    const waiting = q.receive(1, 60_000);
    q.close();
    expect(await waiting).toEqual([]);
    await expect(q.send([1])).rejects.toMatchObject({ code: 'QUEUE_CLOSED' });
  });

  it('calls onEmpty when the last message is dead-lettered, and a close from it ends the poll', async () => {
    const clock = new ManualClock();
    const dlq = make(clock);
    const q: MemoryQueue<number> = make(clock, { deadLetter: dlq, maxReceiveCount: 1, onEmpty: () => q.close() });
    await q.send([1]);
    const [m] = await q.receive(1);
    await q.release(m!);
    expect(await q.receive(1, 60_000)).toEqual([]);
    expect([q.closed, dlq.bodies()]).toEqual([true, [1]]);
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
