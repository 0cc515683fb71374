/**
 * Streamed put on S3 (the ObjectWriter of S3ObjectStore): bytes are buffered up to `partBytes`;
 * a body that never fills a part is sent with one PutObject at `close()`, a larger one as a
 * multipart upload whose parts are sent one at a time as they fill (so memory stays at one
 * part) and which is completed at `close()`. The object is visible only once complete. Any
 * failure aborts the upload (best effort: S3's lifecycle rule removes what an abort misses)
 * and is thrown as the error `onError` makes of it.
 *
 * Checksums: the upload declares CRC32, every part carries its CRC32 and the completion lists
 * them, as S3 requires when parts carry checksums (the SDK adds one to every part by default).
 */
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand,
  UploadPartCommand, type CompletedPart, type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectWriter } from '../../ports.js';
import { AdapterError } from '../errors.js';

export interface MultipartWriterOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** The full S3 key (adapter prefix included). */
  readonly key: string;
  readonly partBytes: number;
  readonly contentType?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Turns an SDK error of operation `op` into the adapter's error. */
  readonly onError: (op: string, err: unknown) => Error;
}

export class MultipartWriter implements ObjectWriter {
  private chunks: Buffer[] = [];
  private size = 0;
  private uploadId: string | undefined;
  private readonly parts: CompletedPart[] = [];
  private state: 'open' | 'closed' | 'aborted' = 'open';

  constructor(private readonly o: MultipartWriterOptions) {}

  async write(chunk: Uint8Array | string): Promise<void> {
    this.assertOpen();
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    if (b.length === 0) return;
    this.chunks.push(b);
    this.size += b.length;
    if (this.size >= this.o.partBytes) await this.guard('upload part', () => this.sendPart());
  }

  async close(): Promise<void> {
    this.assertOpen();
    await this.guard(this.uploadId === undefined && this.parts.length === 0 ? 'put' : 'complete', async () => {
      if (this.uploadId === undefined) {
        await this.o.client.send(new PutObjectCommand({
          Bucket: this.o.bucket, Key: this.o.key, Body: this.take(), ContentType: this.o.contentType,
          Metadata: this.o.metadata ? { ...this.o.metadata } : undefined,
        }));
      } else {
        if (this.size > 0) await this.sendPart();
        await this.o.client.send(new CompleteMultipartUploadCommand({
          Bucket: this.o.bucket, Key: this.o.key, UploadId: this.uploadId, MultipartUpload: { Parts: this.parts },
        }));
      }
    });
    this.state = 'closed';
  }

  async abort(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.chunks = [];
    this.size = 0;
    if (this.uploadId === undefined) return;
    await this.o.client.send(new AbortMultipartUploadCommand({ Bucket: this.o.bucket, Key: this.o.key, UploadId: this.uploadId }))
      .catch(() => undefined);
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new AdapterError('WRITER_CLOSED', `writer of ${JSON.stringify(this.o.key)} is ${this.state}`);
  }

  private take(): Buffer {
    const body = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    return body;
  }

  private async sendPart(): Promise<void> {
    if (this.uploadId === undefined) {
      const out = await this.o.client.send(new CreateMultipartUploadCommand({
        Bucket: this.o.bucket, Key: this.o.key, ContentType: this.o.contentType, ChecksumAlgorithm: 'CRC32',
        Metadata: this.o.metadata ? { ...this.o.metadata } : undefined,
      }));
      if (!out.UploadId) throw new Error('CreateMultipartUpload returned no UploadId');
      this.uploadId = out.UploadId;
    }
    const PartNumber = this.parts.length + 1;
    const out = await this.o.client.send(new UploadPartCommand({
      Bucket: this.o.bucket, Key: this.o.key, UploadId: this.uploadId, PartNumber, Body: this.take(), ChecksumAlgorithm: 'CRC32',
    }));
    this.parts.push({ PartNumber, ETag: out.ETag, ...(out.ChecksumCRC32 ? { ChecksumCRC32: out.ChecksumCRC32 } : {}) });
  }

  /** Runs `step`; on failure aborts the upload and throws the adapter's error. */
  private async guard(op: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      await this.abort();
      throw err instanceof AdapterError ? err : this.o.onError(op, err);
    }
  }
}
