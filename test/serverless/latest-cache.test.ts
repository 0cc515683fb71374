import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../lib/adapters/aws/s3-store.js';
import { isNewer, publishLatest } from '../../lib/serverless/latest.js';
import { S3ContentCache } from '../../lib/serverless/s3-cache.js';
import { startS3, type S3Fixture } from '../helpers/s3.js';

describe('publishLatest on s3rver', () => {
  let s3: S3Fixture;
  let store: S3ObjectStore;
  beforeAll(async () => {
    s3 = await startS3(['pub']);
    store = new S3ObjectStore({ bucket: 'pub', client: s3.client() });
  });
  afterAll(async () => s3?.stop());

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

  it('copies the newest run, keeps it when an older one publishes later, and is idempotent', async () => {
    const older = await run('r-old', '2026-01-01T00:00:00.000Z', true);
    const newer = await run('r-new', '2026-01-01T00:05:00.000Z', false);
    const client = s3.client();
    expect(await publishLatest({ client, bucket: 'pub', listName: 'team/a', run: older })).toEqual({ current: 'r-old', isLatest: true });
    expect(await text('results/team/a/mirror-validate-failed.txt')).toBe('r-old\n');
    expect(await publishLatest({ client, bucket: 'pub', listName: 'team/a', run: newer })).toEqual({ current: 'r-new', isLatest: true });
    expect(await text('results/team/a/mirror-validate-failed.txt')).toBeNull();
    expect(await publishLatest({ client, bucket: 'pub', listName: 'team/a', run: older })).toEqual({ current: 'r-new', isLatest: false });
    expect(await publishLatest({ client, bucket: 'pub', listName: 'team/a', run: newer })).toEqual({ current: 'r-new', isLatest: true });
    expect(await text('results/team/a/summary.json')).toBe('{"runId":"r-new"}');
    expect(await text('results/team/a/mirror-validate-failed.txt')).toBeNull();
    expect((await store.head('results/team/a/report.json'))!.metadata).toMatchObject({ 'run-id': 'r-new' });
  });

  it('orders runs by start time, then run id', () => {
    expect(isNewer({ runId: 'a', startedAt: '2026-01-02' }, { runId: 'b', startedAt: '2026-01-01' })).toBe(true);
    expect(isNewer({ runId: 'b', startedAt: '2026-01-01' }, { runId: 'a', startedAt: '2026-01-01' })).toBe(true);
    expect(isNewer({ runId: 'a', startedAt: '2026-01-01' }, { runId: 'a', startedAt: '2026-01-01' })).toBe(false);
  });
});

describe('publishLatest pointer compare-and-swap (the conditional requests real S3 honours)', () => {
  const makeMock = () => mockClient(S3Client);
  let s3: ReturnType<typeof makeMock>;
  beforeAll(() => {
    s3 = makeMock();
  });
  beforeEach(() => s3.reset());
  afterAll(() => s3.restore());
  const body = (o: unknown) => ({ transformToString: async () => JSON.stringify(o) });
  const precondition = Object.assign(new Error('PreconditionFailed'), { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });

  it('creates the pointer with If-None-Match, replaces it with If-Match, and re-reads after a 412', async () => {
    const mine = { runId: 'r2', startedAt: '2026-01-01T00:02:00Z' };
    s3.on(GetObjectCommand)
      .resolvesOnce({ Body: body({ runId: 'r1', startedAt: '2026-01-01T00:01:00Z' }) as never, ETag: '"e1"' })
      .resolvesOnce({ Body: body({ runId: 'r1b', startedAt: '2026-01-01T00:01:30Z' }) as never, ETag: '"e2"' })
      .resolves({ Body: body(mine) as never, ETag: '"e3"' });
    s3.on(PutObjectCommand).rejectsOnce(precondition).resolves({});
    s3.on(CopyObjectCommand).resolves({});
    const out = await publishLatest({ client: new S3Client({ region: 'us-east-1' }), bucket: 'b', listName: 'l', run: mine });
    expect(out).toEqual({ current: 'r2', isLatest: true });
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.IfMatch)).toEqual(['"e1"', '"e2"']);
    expect(s3.commandCalls(CopyObjectCommand).map((c) => c.args[0].input.CopySource)).toEqual([
      'b/runs/r2/report.json', 'b/runs/r2/report.html', 'b/runs/r2/report.xml', 'b/runs/r2/summary.json', 'b/runs/r2/mirror-validate-failed.txt',
    ]);
  });

  it('creates a missing pointer with If-None-Match: *', async () => {
    s3.on(GetObjectCommand).rejectsOnce(Object.assign(new Error('nf'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }))
      .resolves({ Body: body({ runId: 'r1', startedAt: 't' }) as never, ETag: '"e"' });
    s3.on(PutObjectCommand).resolves({});
    s3.on(CopyObjectCommand).resolves({});
    await publishLatest({ client: new S3Client({ region: 'us-east-1' }), bucket: 'b', listName: 'l', run: { runId: 'r1', startedAt: 't' } });
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({ IfNoneMatch: '*', Key: 'results/l/latest.json' });
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
