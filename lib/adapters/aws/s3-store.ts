/**
 * ObjectStore on Amazon S3. Same semantics as the directory store (test/contracts):
 * null for a missing key, create-only puts with `If-None-Match: *`, compare-and-swap puts with
 * `If-Match: <ETag>`, copies with `x-amz-copy-source-if-match`, lexicographic listing, folders
 * as `Delimiter: '/'` common prefixes.
 */
import {
  CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand,
  S3Client, type ListObjectsV2CommandOutput, type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { CopyOptions, CopyOutcome, ListOptions, ObjectInfo, ObjectStore, ObjectWriter, PutOptions, WriteOptions } from '../../ports.js';
import { MultipartWriter } from './s3-multipart.js';
import { AdapterError } from '../errors.js';
import { assertValidKey, toBytes } from '../object-key.js';

export interface S3StoreOptions {
  readonly bucket: string;
  /** Prefix prepended to every key (e.g. `tenant-a/`); empty by default. */
  readonly prefix?: string;
  readonly client?: S3Client;
  /** Used when `client` is not given. Tests against s3rver need the checksum settings `WHEN_REQUIRED`. */
  readonly clientConfig?: S3ClientConfig;
  /** Part size of streamed puts (`openWriter`); S3 requires at least 5 MiB. Default 8 MiB. */
  readonly partBytes?: number;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

function isPreconditionFailed(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412
    || e?.name === 'ConditionalRequestConflict' || e?.$metadata?.httpStatusCode === 409;
}

function ioError(op: string, key: string, err: unknown): AdapterError {
  const name = (err as { name?: string })?.name ?? 'Error';
  return new AdapterError('IO', `s3 ${op} ${JSON.stringify(key)} failed: ${name}`, { cause: err });
}

export class S3ObjectStore implements ObjectStore {
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partBytes: number;

  constructor(opts: S3StoreOptions) {
    this.bucket = opts.bucket;
    this.prefix = opts.prefix ?? '';
    this.partBytes = opts.partBytes ?? 8 * 1024 * 1024;
    this.client = opts.client ?? new S3Client(opts.clientConfig ?? {});
  }

  private k(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }

  async get(key: string): Promise<Uint8Array | null> {
    const Key = this.k(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (err) {
      if (isNotFound(err)) return null;
      throw ioError('get', key, err);
    }
  }

  async getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    const Key = this.k(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      return (out.Body as unknown as AsyncIterable<Uint8Array>) ?? (async function* empty() {})();
    } catch (err) {
      if (isNotFound(err)) return null;
      throw ioError('get', key, err);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const Key = this.k(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return {
        key,
        size: out.ContentLength ?? 0,
        metadata: { ...(out.Metadata ?? {}) },
        lastModified: out.LastModified ?? new Date(0),
        etag: out.ETag ?? '',
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw ioError('head', key, err);
    }
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<boolean> {
    const Key = this.k(key);
    try {
      await this.client.send(new PutObjectCommand({
        Bucket: this.bucket,
        Key,
        Body: toBytes(body),
        ContentType: options.contentType,
        Metadata: options.metadata ? { ...options.metadata } : undefined,
        IfNoneMatch: options.ifNoneMatch ? '*' : undefined,
        IfMatch: options.ifMatch,
      }));
      return true;
    } catch (err) {
      if (options.ifNoneMatch && isPreconditionFailed(err)) return false;
      // If-Match on a missing key answers 404.
      if (options.ifMatch !== undefined && (isPreconditionFailed(err) || isNotFound(err))) return false;
      throw ioError('put', key, err);
    }
  }

  async copy(from: string, to: string, options: CopyOptions = {}): Promise<CopyOutcome> {
    const source = `${this.bucket}/${this.k(from).split('/').map(encodeURIComponent).join('/')}`;
    try {
      await this.client.send(new CopyObjectCommand({
        Bucket: this.bucket,
        Key: this.k(to),
        CopySource: source,
        CopySourceIfMatch: options.ifMatch,
        MetadataDirective: 'REPLACE',
        ContentType: options.contentType,
        Metadata: { ...(options.metadata ?? {}) },
      }));
      return 'copied';
    } catch (err) {
      if (isNotFound(err)) return 'missing';
      if (options.ifMatch !== undefined && isPreconditionFailed(err)) return 'changed';
      throw ioError('copy', `${from} -> ${to}`, err);
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.k(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw ioError('delete', key, err);
    }
  }

  /** One PutObject when the body fits in a part, else a multipart upload (s3-multipart.ts). */
  openWriter(key: string, options: WriteOptions = {}): ObjectWriter {
    const Key = this.k(key);
    return new MultipartWriter({
      client: this.client, bucket: this.bucket, key: Key, partBytes: this.partBytes,
      contentType: options.contentType, metadata: options.metadata,
      onError: (op, err) => ioError(op, key, err),
    });
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    for await (const page of this.pages(prefix, { StartAfter: this.after(options) })) {
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) yield o.Key.slice(this.prefix.length);
      }
    }
  }

  async *listFolders(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    for await (const page of this.pages(prefix, { Delimiter: '/', StartAfter: this.after(options) })) {
      for (const p of page.CommonPrefixes ?? []) {
        if (p.Prefix !== undefined) yield p.Prefix.slice(this.prefix.length);
      }
    }
  }

  private after(options: ListOptions): string | undefined {
    return options.startAfter !== undefined ? this.prefix + options.startAfter : undefined;
  }

  private async *pages(prefix: string, extra: { Delimiter?: string; StartAfter?: string }): AsyncIterable<ListObjectsV2CommandOutput> {
    let ContinuationToken: string | undefined;
    do {
      let out: ListObjectsV2CommandOutput;
      try {
        out = await this.client.send(new ListObjectsV2Command({
          Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken, Delimiter: extra.Delimiter,
          ...(ContinuationToken || extra.StartAfter === undefined ? {} : { StartAfter: extra.StartAfter }),
        }));
      } catch (err) {
        throw ioError('list', prefix, err);
      }
      yield out;
      ContinuationToken = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }
}
