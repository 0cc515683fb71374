/**
 * WorkQueue on Amazon SQS. `send` packs SendMessageBatch calls (at most 10 entries and 1 MiB
 * each), runs several at a time and retries the entries SQS lists in `Failed`.
 * In Lambda the event source mapping receives; `fromSqsRecord` turns its records into QueueMessages.
 */
import {
  ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import type { QueueMessage, WorkQueue } from '../../ports.js';
import { AdapterError } from '../errors.js';

export const SQS_MAX_BATCH_ENTRIES = 10;
/** Payload limit of one message and of one batch call. */
export const SQS_MAX_BATCH_BYTES = 1024 * 1024;

/** Turns a received body into `T`. The default parses JSON and throws AdapterError `IO` on anything else. */
export type BodyDecoder<T> = (body: string, messageId: string) => T;

export interface SqsQueueOptions<T = unknown> {
  readonly queueUrl: string;
  readonly client?: SQSClient;
  /** SendMessageBatch calls in flight at once. */
  readonly sendConcurrency?: number;
  /** Attempts per entry before `send` gives up. */
  readonly maxSendAttempts?: number;
  /** Backoff between attempts (tests set 0). */
  readonly retryDelayMs?: number;
  /** How received bodies are read (default: JSON, or AdapterError `IO`). */
  readonly decode?: BodyDecoder<T>;
}

/** JSON when the body is JSON, else the body text itself: for a dead-letter queue, where anything may land. */
export const jsonOrText: BodyDecoder<unknown> = (body) => {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
};

/** Splits encoded bodies into SendMessageBatch entry groups within both limits. */
export function packBatches(bodies: readonly string[], startId = 0): SendMessageBatchRequestEntry[][] {
  const batches: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let bytes = 0;
  bodies.forEach((body, i) => {
    const size = Buffer.byteLength(body, 'utf8');
    if (size > SQS_MAX_BATCH_BYTES) {
      throw new AdapterError('IO', `sqs message ${startId + i} is ${size} bytes, over the ${SQS_MAX_BATCH_BYTES}-byte limit`);
    }
    if (current.length === SQS_MAX_BATCH_ENTRIES || bytes + size > SQS_MAX_BATCH_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push({ Id: String(startId + i), MessageBody: body });
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SqsWorkQueue<T> implements WorkQueue<T> {
  readonly client: SQSClient;
  private readonly url: string;
  private readonly concurrency: number;
  private readonly attempts: number;
  private readonly delayMs: number;
  private readonly decode?: BodyDecoder<T>;

  constructor(opts: SqsQueueOptions<T>) {
    this.url = opts.queueUrl;
    this.client = opts.client ?? new SQSClient({});
    this.concurrency = opts.sendConcurrency ?? 8;
    this.attempts = opts.maxSendAttempts ?? 5;
    this.delayMs = opts.retryDelayMs ?? 100;
    this.decode = opts.decode;
  }

  async send(bodies: readonly T[]): Promise<void> {
    const batches = packBatches(bodies.map((b) => JSON.stringify(b)));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        await this.sendBatch(batch);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches.length) }, worker));
  }

  private async sendBatch(entries: SendMessageBatchRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; ; attempt++) {
      let failed: { Id?: string; SenderFault?: boolean; Code?: string }[];
      try {
        const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.url, Entries: pending }));
        failed = out.Failed ?? [];
      } catch (err) {
        if (attempt >= this.attempts) throw new AdapterError('IO', `sqs SendMessageBatch failed: ${(err as Error).name}`, { cause: err });
        await sleep(this.delayMs * 2 ** (attempt - 1));
        continue;
      }
      if (failed.length === 0) return;
      const fatal = failed.find((f) => f.SenderFault);
      if (fatal || attempt >= this.attempts) {
        const f = fatal ?? failed[0]!;
        throw new AdapterError('IO', `sqs SendMessageBatch: ${failed.length} entries failed (${f.Code ?? 'unknown'})`);
      }
      const ids = new Set(failed.map((f) => f.Id));
      pending = pending.filter((e) => ids.has(e.Id));
      await sleep(this.delayMs * 2 ** (attempt - 1));
    }
  }

  async receive(max: number, waitMs = 0, signal?: AbortSignal): Promise<QueueMessage<T>[]> {
    if (signal?.aborted) return [];
    let out;
    try {
      out = await this.client.send(new ReceiveMessageCommand({
        QueueUrl: this.url,
        MaxNumberOfMessages: Math.max(1, Math.min(SQS_MAX_BATCH_ENTRIES, max)),
        WaitTimeSeconds: Math.min(20, Math.ceil(waitMs / 1000)),
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }), signal ? { abortSignal: signal } : {});
    } catch (err) {
      if (signal?.aborted) return [];
      throw err;
    }
    return (out.Messages ?? []).map((m) => fromSqsRecord<T>({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? 'null',
      attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1' },
    }, this.decode));
  }

  async ack(message: QueueMessage<T>): Promise<void> {
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.url, ReceiptHandle: message.receipt }));
  }

  async release(message: QueueMessage<T>, delayMs = 0): Promise<void> {
    await this.client.send(new ChangeMessageVisibilityCommand({
      QueueUrl: this.url, ReceiptHandle: message.receipt, VisibilityTimeout: Math.ceil(delayMs / 1000),
    }));
  }
}

/** The fields of a Lambda SQS event record (or a ReceiveMessage result) that we use. */
export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: { readonly ApproximateReceiveCount?: string };
}

/** A Lambda SQS record as a QueueMessage. The default decoder throws AdapterError IO on a body that is not JSON. */
export function fromSqsRecord<T>(record: SqsRecord, decode: BodyDecoder<T> = strictJson): QueueMessage<T> {
  const body = decode(record.body, record.messageId);
  return {
    id: record.messageId,
    receipt: record.receiptHandle,
    body,
    receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1') || 1,
  };
}

function strictJson<T>(body: string, messageId: string): T {
  try {
    return JSON.parse(body) as T;
  } catch (err) {
    throw new AdapterError('IO', `sqs message ${messageId} has a body that is not JSON`, { cause: err });
  }
}
