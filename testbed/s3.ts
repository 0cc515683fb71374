/**
 * s3rver (the real S3 wire protocol, in-process) for adapter and handler tests.
 *
 * s3rver ignores the conditional headers our compare-and-swap writes rely on (real S3 honours
 * them and answers 412): `If-None-Match: *` and `If-Match: <ETag>` on PutObject, and
 * `x-amz-copy-source-if-match` on CopyObject; and it writes objects in place, so a concurrent
 * read can see half of one. A Koa middleware put in front of s3rver's own makes each object
 * request atomic per key and implements the conditions, and the listing is patched to S3's order
 * and `Delimiter` rule, so the S3 adapter passes the same contract suite as the local ones.
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

interface S3rverStore {
  getMetadata(bucket: string, key: string): Promise<{ etag: string }>;
  listObjects(bucket: string, options: ListOptions): Promise<Listing>;
}
interface ListOptions { delimiter?: string; prefix?: string; startAfter?: string; maxKeys?: number }
interface Listing { objects: { key: string }[]; commonPrefixes: string[]; isTruncated: boolean }

const storeOf = (server: S3rver): S3rverStore => (server as unknown as { store: S3rverStore }).store;

/** The ETag of `bucket/key` as s3rver serves it, or null when there is no such object. */
async function etagOf(store: S3rverStore, bucket: string, key: string): Promise<string | null> {
  try {
    return (await store.getMetadata(bucket, key)).etag;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function s3Error(ctx: KoaCtx, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.set('Content-Type', 'application/xml');
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

const PRECONDITION = 'At least one of the pre-conditions you specified did not hold';

/** Why a conditional write must not happen (as S3 answers it), or null to let s3rver write. */
async function refusal(store: S3rverStore, ctx: KoaCtx, bucket: string, key: string): Promise<[number, string, string] | null> {
  const header = (name: string) => ctx.headers[name] as string | undefined;
  if (header('if-none-match') === '*' && (await etagOf(store, bucket, key)) !== null) return [412, 'PreconditionFailed', PRECONDITION];
  const ifMatch = header('if-match');
  if (ifMatch !== undefined) {
    const current = await etagOf(store, bucket, key);
    if (current === null) return [404, 'NoSuchKey', 'The specified key does not exist.'];
    if (current !== ifMatch) return [412, 'PreconditionFailed', PRECONDITION];
  }
  const sourceMatch = header('x-amz-copy-source-if-match');
  if (sourceMatch !== undefined) {
    const [srcBucket, ...srcKey] = decodeURI(header('x-amz-copy-source')!).replace(/^\//, '').split('/');
    const current = await etagOf(store, srcBucket!, srcKey.join('/'));
    if (current !== null && current !== sourceMatch) return [412, 'PreconditionFailed', PRECONDITION];
  }
  return null;
}

/** Runs `fn` while holding the locks of `ids` (taken in sorted order, so two requests never wait on each other). */
function keyLocks() {
  const tails = new Map<string, Promise<void>>();
  return async <T>(ids: readonly string[], fn: () => Promise<T>): Promise<T> => {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const before = [...new Set(ids)].sort().map((id) => {
      const prev = tails.get(id) ?? Promise.resolve();
      const tail = prev.then(() => mine);
      tails.set(id, tail);
      void tail.then(() => {
        if (tails.get(id) === tail) tails.delete(id);
      });
      return prev;
    });
    await Promise.all(before);
    try {
      return await fn();
    } finally {
      release();
    }
  };
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/**
 * Makes each object request atomic, as on S3: requests on one key (and a copy's source) run one
 * at a time, a GET's body is read before the next write of its key starts (s3rver writes in
 * place, so a concurrent GET could see half an object), and the conditional headers are honoured.
 */
function atomicObjects(server: S3rver) {
  const locked = keyLocks();
  const store = storeOf(server);
  return async (ctx: KoaCtx, next: () => Promise<void>) => {
    const [, bucket, ...rest] = ctx.path.split('/');
    // SDK v3 adds `?x-id=<Operation>` to object requests; any other query is a sub-resource (e.g. ?tagging, ?uploads).
    if (!bucket || rest.length === 0 || !/^(x-id=[A-Za-z]+)?$/.test(ctx.querystring)) return next();
    const key = decodeURIComponent(rest.join('/'));
    const source = ctx.headers['x-amz-copy-source'] as string | undefined;
    const ids = [`${bucket}/${key}`, ...(source ? [decodeURI(source).replace(/^\//, '')] : [])];
    await locked(ids, async () => {
      if (ctx.method === 'PUT') {
        const refused = await refusal(store, ctx, bucket, key);
        if (refused) return s3Error(ctx, ...refused);
      }
      await next();
      if (ctx.method === 'GET' && ctx.body && typeof (ctx.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
        ctx.body = await readAll(ctx.body as AsyncIterable<Uint8Array>);
      }
    });
  };
}

/**
 * s3rver lists keys in directory-walk order (`a/b` before `a-c`); S3 lists them in UTF-8 binary
 * order. And with a `Delimiter` it skips folders that hold only deeper folders (`runs/c/` of
 * `runs/c/deep/x.json`). Each listing is made without the delimiter, sorted as S3 sorts, and
 * grouped into common prefixes as S3 groups them (listings in tests hold fewer than 1000 entries).
 */
function s3Listings(server: S3rver): void {
  const store = storeOf(server);
  const original = store.listObjects.bind(store);
  const order = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));
  store.listObjects = async (bucket, options) => {
    if (!options.delimiter) {
      const out = await original(bucket, options);
      out.objects.sort((x, y) => order(x.key, y.key));
      return out;
    }
    const all = await original(bucket, { ...options, delimiter: '', maxKeys: Infinity });
    const prefix = options.prefix ?? '';
    const prefixes = new Set<string>();
    const objects = all.objects.filter((o) => {
      const at = o.key.indexOf(options.delimiter!, prefix.length);
      if (at >= 0) prefixes.add(o.key.slice(0, at + options.delimiter!.length));
      return at < 0;
    }).sort((x, y) => order(x.key, y.key));
    if (objects.length + prefixes.size > (options.maxKeys ?? 1000)) throw new Error('test s3rver: delimiter listings over max-keys are not emulated');
    return { objects, commonPrefixes: [...prefixes].sort(order), isTruncated: false };
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
  (server as unknown as { middleware: unknown[] }).middleware.unshift(atomicObjects(server));
  s3Listings(server);
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
