/**
 * s3rver (the real S3 wire protocol, in-process) for adapter and handler tests.
 *
 * s3rver ignores `If-None-Match: *`, which our create-only puts rely on (real S3 honours it and
 * answers 412). A Koa middleware put in front of s3rver's own implements it atomically per key, so
 * the S3 adapter passes the same contract suite as the local ones.
 */
import crypto from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

export interface S3Fixture {
  readonly endpoint: string;
  readonly config: S3ClientConfig;
  client(): S3Client;
  /** S3 event notifications (`{Records:[...]}`) emitted for object writes. */
  onEvent(listener: (event: { Records: unknown[] }) => void): void;
  stop(): Promise<void>;
}

interface KoaCtx {
  method: string;
  path: string;
  querystring: string;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  set(name: string, value: string): void;
}

function conditionalPut(server: S3rver) {
  const locks = new Map<string, Promise<void>>();
  const store = (server as unknown as { store: { existsObject(b: string, k: string): Promise<boolean> } }).store;
  return async (ctx: KoaCtx, next: () => Promise<void>) => {
    // SDK v3 adds `?x-id=PutObject` to object PUTs; any other query is a sub-resource (e.g. ?tagging).
    if (ctx.method !== 'PUT' || ctx.headers['if-none-match'] !== '*' || !['', 'x-id=PutObject'].includes(ctx.querystring)) return next();
    const [, bucket, ...rest] = ctx.path.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const id = `${bucket}/${key}`;
    const prev = locks.get(id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    locks.set(id, prev.then(() => mine));
    await prev;
    try {
      if (await store.existsObject(bucket!, key)) {
        ctx.status = 412;
        ctx.set('Content-Type', 'application/xml');
        ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>'
          + '<Message>At least one of the pre-conditions you specified did not hold</Message></Error>';
        return;
      }
      await next();
    } finally {
      release();
    }
  };
}

/**
 * s3rver lists keys in directory-walk order (`a/b` before `a-c`); S3 lists them in UTF-8 binary
 * order. Sort each page's objects as S3 does (pages in tests hold fewer than 1000 keys).
 */
function sortListings(server: S3rver): void {
  type Listing = { objects: { key: string }[] };
  const store = (server as unknown as { store: { listObjects(b: string, o: unknown): Promise<Listing> } }).store;
  const original = store.listObjects.bind(store);
  store.listObjects = async (bucket, options) => {
    const out = await original(bucket, options);
    out.objects.sort((x, y) => Buffer.compare(Buffer.from(x.key), Buffer.from(y.key)));
    return out;
  };
}

/**
 * s3rver's ListObjectsV2 continuation tokens use single DES, which OpenSSL 3 (Node 17+) only
 * offers through its legacy provider: any listing of more than 1000 keys failed with
 * InternalError. Single DES is 3DES-EDE with one key repeated three times (the same bytes), and
 * `des-ede3-cbc` is still available, so `'des'` is mapped to it. Nothing else is affected:
 * `'des'` is unsupported anyway.
 */
function allowDesTokens(): void {
  const c = crypto as unknown as { createCipheriv: typeof crypto.createCipheriv; createDecipheriv: typeof crypto.createDecipheriv; __desPatched?: true };
  if (c.__desPatched) return;
  const cipher = c.createCipheriv.bind(crypto);
  const decipher = c.createDecipheriv.bind(crypto);
  const triple = (key: crypto.CipherKey): Buffer => Buffer.concat([Buffer.from(key as Buffer), Buffer.from(key as Buffer), Buffer.from(key as Buffer)]);
  c.createCipheriv = ((alg: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null, o?: unknown) => (alg === 'des'
    ? cipher('des-ede3-cbc', triple(key), iv)
    : cipher(alg, key, iv, o as never))) as typeof crypto.createCipheriv;
  c.createDecipheriv = ((alg: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null, o?: unknown) => (alg === 'des'
    ? decipher('des-ede3-cbc', triple(key), iv)
    : decipher(alg, key, iv, o as never))) as typeof crypto.createDecipheriv;
  c.__desPatched = true;
}

export async function startS3(buckets: readonly string[] = ['test-bucket']): Promise<S3Fixture> {
  allowDesTokens();
  const directory = await mkdtemp(join(tmpdir(), 'mv-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1', port: 0, silent: true, directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
    vhostBuckets: false,
  });
  (server as unknown as { middleware: unknown[] }).middleware.unshift(conditionalPut(server));
  sortListings(server);
  const addr = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${addr.port}`;
  const config: S3ClientConfig = {
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  return {
    endpoint,
    config,
    client: () => new S3Client(config),
    onEvent: (listener) => server.on('event', listener as (e: unknown) => void),
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
