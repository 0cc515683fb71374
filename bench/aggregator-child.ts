/**
 * The aggregator function in a process of its own, as in a Lambda container, for the scale
 * bench: it receives SQS-shaped progress-note events from the parent over IPC, runs the real
 * handler (lambdas/aggregator.ts) against the parent's s3rver and fake SQS, and answers each
 * with the invocation's duration, its S3 requests by command, and the process's peak RSS.
 * EventBridge is stubbed (the event is accepted and counted). Bundled by bench/scale-handlers.ts.
 *
 * Environment: S3_ENDPOINT, SQS_ENDPOINT, and the function's variables (BUCKET, ...).
 */
import { readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { useAwsClients } from '../lib/serverless/runtime.js';
import type { SqsEvent } from '../lib/serverless/middleware.js';
import { handler } from '../lambdas/aggregator.js';

const creds = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const s3 = new S3Client({
  endpoint: process.env.S3_ENDPOINT, region: 'us-east-1', forcePathStyle: true, credentials: creds,
  requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
});
const sqs = new SQSClient({ endpoint: process.env.SQS_ENDPOINT, region: 'us-east-1', credentials: creds });
const events = new EventBridgeClient({ region: 'us-east-1', credentials: creds });
let completions = 0;
events.middlewareStack.add(() => async () => {
  completions++;
  return { output: { FailedEntryCount: 0, Entries: [{ EventId: 'e' }], $metadata: {} }, response: {} };
}, { step: 'initialize', name: 'stubPutEvents' });

let counts: Record<string, number> = {};
s3.middlewareStack.add((next, ctx) => async (args) => {
  const name = String(ctx.commandName).replace(/Command$/, '');
  counts[name] = (counts[name] ?? 0) + 1;
  return next(args);
}, { step: 'initialize', name: 'countS3' });

useAwsClients({ s3, sqs, events });

function peakRssMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** The time a 15-minute function has left at the start of an invocation. */
const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 15 * 60_000 };

process.on('message', (msg: { id: number; event: SqsEvent }) => {
  counts = {};
  const t0 = performance.now();
  void (handler as unknown as (e: SqsEvent, c: typeof context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>)(msg.event, context)
    .then((out) => process.send!({ id: msg.id, ms: performance.now() - t0, counts, failed: out.batchItemFailures.map((f) => f.itemIdentifier), peakRssMiB: peakRssMiB(), completions }),
      (err: unknown) => process.send!({ id: msg.id, error: String(err) }));
});
process.send!({ ready: true, peakRssMiB: peakRssMiB() });
