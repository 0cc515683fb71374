import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../lib/adapters/aws/s3-store.js';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import type { ObjectStore, PutOptions } from '../../lib/ports.js';
import { isNewer, publishLatest } from '../../lib/serverless/latest.js';
import { S3ContentCache } from '../../lib/serverless/s3-cache.js';
import { startS3 } from '../../testbed/s3.js';

const stores: [string, () => Promise<{ store: ObjectStore; stop(): Promise<void> }>][] = [
  ['S3ObjectStore on s3rver', async () => {
    const s3 = await startS3(['pub']);
    return { store: new S3ObjectStore({ bucket: 'pub', client: s3.client() }), stop: () => s3.stop() };
  }],
  ['MemoryStore', async () => ({ store: new MemoryStore(), stop: async () => undefined })],
];

/** `store`, with `before` run just before every conditional put of the pointer (a publisher racing us). */
function racing(store: ObjectStore, before: () => Promise<void>): ObjectStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'put') {
        return async (key: string, body: string, options?: PutOptions) => {
          if (key.endsWith('/latest.json') && (options?.ifMatch !== undefined || options?.ifNoneMatch)) await before();
          return target.put(key, body, options);
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe.each(stores)('publishLatest on %s', (_name, make) => {
  let fx: { store: ObjectStore; stop(): Promise<void> };
  let store: ObjectStore;
  beforeAll(async () => {
    fx = await make();
    store = fx.store;
  });
  afterAll(async () => fx?.stop());

  const run = async (runId: string, startedAt: string, failed: boolean) => {
    await store.put(`runs/${runId}/report.json`, JSON.stringify({ runId }));
    await store.put(`runs/${runId}/summary.json`, JSON.stringify({ runId }));
    if (failed) await store.put(`runs/${runId}/mirror-validate-failed.txt`, `${runId}\n`);
    return { runId, startedAt };
  };
  const text = async (key: string) => {
    const b = await store.get(key);
    return b ? Buffer.from(b).toString() : null;
  };
  const pointer = async (list: string) => JSON.parse((await text(`results/${list}/latest.json`))!) as { runId: string };

  it('copies the newest run, keeps it when an older one publishes later, and is idempotent', async () => {
    const older = await run('r-old', '2026-01-01T00:00:00.000Z', true);
    const newer = await run('r-new', '2026-01-01T00:05:00.000Z', false);
    expect(await publishLatest({ store, listName: 'team/a', run: older })).toEqual({ current: 'r-old', isLatest: true });
    expect(await text('results/team/a/mirror-validate-failed.txt')).toBe('r-old\n');
    expect(await publishLatest({ store, listName: 'team/a', run: newer })).toEqual({ current: 'r-new', isLatest: true });
    expect(await text('results/team/a/mirror-validate-failed.txt')).toBeNull();
    expect(await publishLatest({ store, listName: 'team/a', run: older })).toEqual({ current: 'r-new', isLatest: false });
    expect(await publishLatest({ store, listName: 'team/a', run: newer })).toEqual({ current: 'r-new', isLatest: true });
    expect(await text('results/team/a/summary.json')).toBe('{"runId":"r-new"}');
    expect(await text('results/team/a/mirror-validate-failed.txt')).toBeNull();
    expect((await store.head('results/team/a/report.json'))!.metadata).toMatchObject({ 'run-id': 'r-new', 'started-at': newer.startedAt });
  });

  it('loses the pointer race to a newer run that publishes between its read and its write', async () => {
    const first = await run('b-1', '2026-01-02T00:01:00.000Z', false);
    const mine = await run('b-2', '2026-01-02T00:02:00.000Z', true);
    const newest = await run('b-3', '2026-01-02T00:03:00.000Z', false);
    await publishLatest({ store, listName: 'b', run: first });
    let raced = false;
    const contested = racing(store, async () => {
      if (raced) return;
      raced = true;
      await publishLatest({ store, listName: 'b', run: newest });
    });
    expect(await publishLatest({ store: contested, listName: 'b', run: mine })).toEqual({ current: 'b-3', isLatest: false });
    expect(await pointer('b')).toMatchObject({ runId: 'b-3' });
    expect(await text('results/b/summary.json')).toBe('{"runId":"b-3"}');
    expect(await text('results/b/mirror-validate-failed.txt')).toBeNull();
  });

  it('re-reads and still wins when an older run moved the pointer between its read and its write', async () => {
    const first = await run('c-1', '2026-01-03T00:01:00.000Z', false);
    const between = await run('c-2', '2026-01-03T00:02:00.000Z', false);
    const mine = await run('c-3', '2026-01-03T00:03:00.000Z', true);
    await publishLatest({ store, listName: 'c', run: first });
    let raced = false;
    const contested = racing(store, async () => {
      if (raced) return;
      raced = true;
      await publishLatest({ store, listName: 'c', run: between });
    });
    expect(await publishLatest({ store: contested, listName: 'c', run: mine })).toEqual({ current: 'c-3', isLatest: true });
    expect(await pointer('c')).toMatchObject({ runId: 'c-3' });
    expect(await text('results/c/mirror-validate-failed.txt')).toBe('c-3\n');
  });

  it('ends with the newest of many runs that publish at once', async () => {
    const runs = await Promise.all([5, 2, 6, 1, 4, 3].map((i) => run(`d-${i}`, `2026-01-04T00:0${i}:00.000Z`, i % 2 === 0)));
    const outcomes = await Promise.all(runs.map((r) => publishLatest({ store, listName: 'd', run: r })));
    expect(outcomes.filter((o) => o.isLatest).map((o) => o.current)).toEqual(['d-6']);
    expect(await pointer('d')).toMatchObject({ runId: 'd-6' });
    expect(await text('results/d/summary.json')).toBe('{"runId":"d-6"}');
    expect(await text('results/d/mirror-validate-failed.txt')).toBe('d-6\n');
  });

  it('orders runs by start time, then run id', () => {
    expect(isNewer({ runId: 'a', startedAt: '2026-01-02' }, { runId: 'b', startedAt: '2026-01-01' })).toBe(true);
    expect(isNewer({ runId: 'b', startedAt: '2026-01-01' }, { runId: 'a', startedAt: '2026-01-01' })).toBe(true);
    expect(isNewer({ runId: 'a', startedAt: '2026-01-01' }, { runId: 'a', startedAt: '2026-01-01' })).toBe(false);
  });
});

describe('S3ContentCache', () => {
  it('stores by digest under cache/sha256/, ignores other keys and treats errors as misses', async () => {
    const s3 = await startS3(['cache']);
    try {
      const cache = new S3ContentCache(new S3ObjectStore({ bucket: 'cache', client: s3.client() }));
      const digest = `sha256:${'a'.repeat(64)}`;
      await cache.put(digest, new Uint8Array([1, 2, 3]));
      expect(await cache.get(digest)).toEqual(new Uint8Array([1, 2, 3]));
      expect(await cache.get('sha512:00')).toBeNull();
      const errors: unknown[] = [];
      const broken = new S3ContentCache(new S3ObjectStore({ bucket: 'missing-bucket', client: s3.client() }), (e) => errors.push(e));
      expect(await broken.get(digest)).toBeNull();
      await broken.put(digest, new Uint8Array([1]));
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await s3.stop();
    }
  });
});
