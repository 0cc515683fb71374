import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../lib/adapters/aws/s3-store.js';
import { startS3, type S3Fixture } from '../../testbed/s3.js';

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

/**
 * The object at `key` once it has `length` bytes: s3rver may answer a GET just after a put from a
 * file it has not finished writing (seen under load: 0 bytes), so the read is retried for up to
 * 5 s; an object that never gets its bytes still fails the test.
 */
async function readBack(store: S3ObjectStore, key: string, length: number): Promise<Uint8Array | null> {
  const until = Date.now() + 5000;
  for (;;) {
    const bytes = await store.get(key);
    if ((bytes && bytes.length === length) || Date.now() > until) return bytes;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('S3ObjectStore streamed puts', () => {
  function counted(partBytes: number): { store: S3ObjectStore; calls: string[] } {
    const client = s3.client();
    const calls: string[] = [];
    client.middlewareStack.add((next, ctx) => async (args) => {
      calls.push(String(ctx.commandName).replace(/Command$/, ''));
      return next(args);
    }, { step: 'initialize', name: 'countCommands' });
    return { store: new S3ObjectStore({ bucket: 'bucket-a', client, partBytes }), calls };
  }

  it('sends a body smaller than a part with one PutObject', async () => {
    const { store, calls } = counted(1024);
    const w = store.openWriter('stream/small.txt');
    await w.write('x'.repeat(600));
    await w.write('y'.repeat(423));
    await w.close();
    expect(calls).toEqual(['PutObject']);
    expect((await readBack(store, 'stream/small.txt', 1023))!.length).toBe(1023);
  });

  it('sends a larger body as a multipart upload, one part at a time, and stores the raw bytes', async () => {
    const { store, calls } = counted(1024);
    const w = store.openWriter('stream/big.txt', { contentType: 'text/plain' });
    const body = Array.from({ length: 50 }, (_, i) => `${String(i).padStart(4, '0')} ${'z'.repeat(95)}\n`).join('');
    for (let i = 0; i < body.length; i += 100) await w.write(body.slice(i, i + 100));
    await w.close();
    expect(calls).toEqual(['CreateMultipartUpload', 'UploadPart', 'UploadPart', 'UploadPart', 'UploadPart', 'UploadPart', 'CompleteMultipartUpload']);
    expect(Buffer.from((await readBack(store, 'stream/big.txt', body.length))!).toString()).toBe(body);
  });
});
