/**
 * Drives the real Lambda handlers the way AWS would, on local stand-ins: s3rver for the bucket
 * (its `'event'` starts the splitter), the fake SQS endpoint (MemoryQueues) for the work queue,
 * its DLQ and the progress queue, and aws-sdk-client-mock for Secrets Manager and EventBridge.
 * SQS-shaped batches are built from the MemoryQueues and handed to the validator and aggregator
 * handlers; messages they report as failures are released for redelivery.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { QueueMessage } from '../lib/ports.js';
import { resetRuntime, useAwsClients } from '../lib/serverless/runtime.js';
import type { SqsEvent } from '../lib/serverless/middleware.js';
import { startFakeSqs, type FakeSqs } from './fake-sqs.js';
import { startS3, type S3Fixture } from './s3.js';
import { handler as splitter } from '../lambdas/splitter.js';
import { handler as validator, resetCheckers } from '../lambdas/validator.js';
import { handler as aggregator } from '../lambdas/aggregator.js';
import { handler as sweeper } from '../lambdas/sweeper.js';

export const BUCKET = 'pipeline';
export const context = { awsRequestId: 'req-test', getRemainingTimeInMillis: () => 120_000 };
type Handler = (event: unknown, ctx: typeof context) => Promise<unknown>;
export const handlers = {
  splitter: splitter as unknown as Handler,
  validator: validator as unknown as Handler,
  aggregator: aggregator as unknown as Handler,
  sweeper: sweeper as unknown as Handler,
};

export interface PipelineFixture {
  readonly s3: S3Fixture;
  readonly sqs: FakeSqs;
  readonly secrets: ReturnType<typeof mockClient>;
  readonly events: ReturnType<typeof mockClient>;
  /** S3 event notifications seen for the input prefix. */
  readonly drops: { Records: unknown[] }[];
  /** Completion event details put so far. */
  completions(): Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startPipeline(env: Record<string, string>, secret: Record<string, unknown>): Promise<PipelineFixture> {
  const s3 = await startS3([BUCKET]);
  const sqs = await startFakeSqs({
    work: { visibilityTimeoutMs: 60_000, maxReceiveCount: Number(env.MAX_RECEIVE_COUNT ?? 3), deadLetter: 'dlq' },
    dlq: { visibilityTimeoutMs: 60_000 },
    progress: { visibilityTimeoutMs: 60_000 },
  });
  const secrets = mockClient(SecretsManagerClient);
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(secret) });
  const events = mockClient(EventBridgeClient);
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  const saved = { ...process.env };
  Object.assign(process.env, {
    BUCKET, INPUT_PREFIX: 'lists/', QUEUE_URL: sqs.url('work'), PROGRESS_QUEUE_URL: sqs.url('progress'), DLQ_URL: sqs.url('dlq'),
    SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mv', EVENT_BUS_NAME: 'default', EVENT_SOURCE: 'mirror-validate',
    MAX_RECEIVE_COUNT: '3', RUN_DEADLINE_MINUTES: '60', LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true',
    // The test registries listen on 127.0.0.1: a local test stand (a deployed stack never sets this).
    ALLOW_LOOPBACK_REGISTRIES: 'true', ...env,
  });
  useAwsClients({
    s3: s3.client(), sqs: sqs.client(),
    secrets: new SecretsManagerClient({ region: 'us-east-1' }), events: new EventBridgeClient({ region: 'us-east-1' }),
  });
  const drops: { Records: unknown[] }[] = [];
  s3.onEvent((e) => {
    const r = e.Records[0] as { eventName?: string; s3?: { object?: { key?: string } } } | undefined;
    if (r?.eventName?.startsWith('ObjectCreated:') && r.s3?.object?.key?.startsWith('lists/')) drops.push(e);
  });
  return {
    s3, sqs, secrets, events, drops,
    completions: () => events.commandCalls(PutEventsCommand).map((c) => JSON.parse(c.args[0].input.Entries![0]!.Detail!) as Record<string, unknown>),
    stop: async () => {
      await resetCheckers();
      resetRuntime();
      secrets.restore();
      events.restore();
      process.env = saved;
      await sqs.stop();
      await s3.stop();
    },
  };
}

/** SQS event records as Lambda delivers them. */
export function sqsEvent(messages: readonly QueueMessage<string>[]): SqsEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.id, receiptHandle: m.receipt, body: m.body,
      attributes: { ApproximateReceiveCount: String(m.receiveCount) },
      messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q', awsRegion: 'us-east-1',
    })),
  } as SqsEvent;
}

export interface PumpOptions {
  /** Deliver progress notes to the aggregator too (default true). */
  readonly aggregate?: boolean;
  /** Messages whose invocation "times out": never handed to the handler, released each time. */
  readonly lost?: (body: string) => boolean;
  /** Validator invocations per round, each with its own batch, run at once (default 1). */
  readonly concurrency?: number;
}

async function deliver(fx: PipelineFixture, batch: readonly QueueMessage<string>[], opts: PumpOptions): Promise<void> {
  const work = fx.sqs.queue('work');
  const lost = batch.filter((m) => opts.lost?.(m.body));
  const given = batch.filter((m) => !lost.includes(m));
  const out = given.length > 0 ? (await handlers.validator(sqsEvent(given), context)) as { batchItemFailures: { itemIdentifier: string }[] } : { batchItemFailures: [] };
  const failed = new Set(out.batchItemFailures.map((f) => f.itemIdentifier));
  for (const m of batch) {
    if (failed.has(m.id) || lost.includes(m)) await work.release(m);
    else await work.ack(m);
  }
}

/** Delivers batches to the handlers until the work and progress queues are empty. */
export async function pump(fx: PipelineFixture, opts: PumpOptions = {}): Promise<void> {
  const work = fx.sqs.queue('work');
  const progress = fx.sqs.queue('progress');
  for (let round = 0; round < 500; round++) {
    let busy = false;
    const batches: QueueMessage<string>[][] = [];
    for (let i = 0; i < (opts.concurrency ?? 1); i++) {
      const batch = await work.receive(10, 0);
      if (batch.length === 0) break;
      batches.push(batch);
    }
    if (batches.length > 0) {
      busy = true;
      await Promise.all(batches.map((b) => deliver(fx, b, opts)));
    }
    if (opts.aggregate ?? true) {
      const notes = await progress.receive(10, 0);
      if (notes.length > 0) {
        busy = true;
        const out = (await handlers.aggregator(sqsEvent(notes), context)) as { batchItemFailures: { itemIdentifier: string }[] };
        const failed = new Set(out.batchItemFailures.map((f) => f.itemIdentifier));
        for (const m of notes) if (failed.has(m.id)) await progress.release(m); else await progress.ack(m);
      }
    }
    if (!busy) return;
  }
  throw new Error('pump did not settle');
}

/** Discards pending progress notes (tests that call the aggregator themselves). */
export async function dropNotes(fx: PipelineFixture): Promise<void> {
  const q = fx.sqs.queue('progress');
  for (let got = await q.receive(10, 0); got.length > 0; got = await q.receive(10, 0)) for (const m of got) await q.ack(m);
}
