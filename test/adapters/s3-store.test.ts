import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../lib/adapters/aws/s3-store.js';
import { startS3, type S3Fixture } from '../helpers/s3.js';

let s3: S3Fixture;
beforeAll(async () => {
  s3 = await startS3(['bucket-a']);
});
afterAll(async () => s3?.stop());

describe('S3ObjectStore against s3rver', () => {
  it('stores the bytes themselves, not aws-chunked framing', async () => {
    const store = new S3ObjectStore({ bucket: 'bucket-a', clientConfig: s3.config });
    await store.put('raw/one.txt', 'hello\nworld\n');
    expect(Buffer.from((await store.get('raw/one.txt'))!).toString()).toBe('hello\nworld\n');
  });

  it('emits S3 ObjectCreated events for puts', async () => {
    const store = new S3ObjectStore({ bucket: 'bucket-a', clientConfig: s3.config });
    const seen: string[] = [];
    s3.onEvent((e) => {
      for (const r of e.Records as { eventName: string; s3: { object: { key: string } } }[]) seen.push(`${r.eventName} ${r.s3.object.key}`);
    });
    await store.put('lists/x.txt', 'nginx\n');
    expect(seen).toContain('ObjectCreated:Put lists/x.txt');
  });
});
