/**
 * The serverless pipeline at scale, through the real handlers over s3rver (testbed/
 * pipeline-harness.ts): a list dropped in the bucket starts the splitter; SQS-shaped batches of
 * 10 work messages go to the validator handler, 8 invocations at a time; progress notes go to
 * the aggregator, which runs in a process of its own (bench/aggregator-child.ts, like a Lambda
 * container, bundled as the stack bundles it: `@aws-sdk/*` external) in batches of up to 100
 * notes, as the stack's event source gathers them, and when the work queue is empty. Every S3 request of every function is counted by command (client
 * middleware; the splitter and validators run in this process one kind at a time), with the
 * aggregator's invocations, their longest duration and its peak RSS.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { QueueMessage } from '../lib/ports.js';
import { runtime } from '../lib/serverless/runtime.js';
import { BUCKET, context, handlers, sqsEvent, startPipeline, type PipelineFixture } from '../testbed/pipeline-harness.js';
import { bundleWithExternalSdk } from './serverless.js';

export type FunctionName = 'splitter' | 'validator' | 'aggregator';

/** The aggregator process's V8 heap limit, MiB. */
export const AGGREGATOR_HEAP_MIB = 256;

/** S3 request classes: PUT (PutObject, UploadPart, CopyObject, multipart create/complete), GET, HEAD, LIST, DELETE. */
export type RequestKind = 'PUT' | 'GET' | 'HEAD' | 'LIST' | 'DELETE';

const KIND: Readonly<Record<string, RequestKind>> = {
  PutObject: 'PUT', UploadPart: 'PUT', CreateMultipartUpload: 'PUT', CompleteMultipartUpload: 'PUT', CopyObject: 'PUT',
  AbortMultipartUpload: 'DELETE', GetObject: 'GET', HeadObject: 'HEAD', ListObjectsV2: 'LIST', DeleteObject: 'DELETE',
};

export interface HandlerScaleRun {
  readonly lines: number;
  readonly images: number;
  readonly invalid: number;
  /** S3 requests by function and command. */
  readonly commands: Record<FunctionName, Record<string, number>>;
  /** The same by request class. */
  readonly requests: Record<FunctionName, Record<RequestKind, number>>;
  readonly aggregator: {
    readonly invocations: number;
    readonly longestMs: number;
    readonly totalMs: number;
    /** The invocation that wrote the outputs (the longest, usually). */
    readonly closingMs: number;
    readonly peakRssMiB: number;
    readonly startRssMiB: number;
    readonly completionEvents: number;
  };
  readonly validatorInvocations: number;
  readonly wallSeconds: number;
  readonly summary: Record<string, unknown>;
}

interface ChildAnswer {
  id: number; ms: number; counts: Record<string, number>; failed: string[]; peakRssMiB: number; completions: number; error?: string;
}

/** The aggregator child process. */
async function startAggregator(dir: string, root: string, fx: PipelineFixture): Promise<{ invoke(e: ReturnType<typeof sqsEvent>): Promise<ChildAnswer>; startRssMiB: number; stop(): void }> {
  const script = path.join(dir, 'aggregator-child.mjs');
  await bundleWithExternalSdk(path.join(root, 'bench', 'aggregator-child.ts'), script);
  const child: ChildProcess = fork(script, [], {
    env: {
      PATH: process.env.PATH ?? '', S3_ENDPOINT: fx.s3.endpoint, SQS_ENDPOINT: fx.sqs.endpoint,
      BUCKET, PROGRESS_QUEUE_URL: fx.sqs.url('progress'), EVENT_BUS_NAME: 'default', EVENT_SOURCE: 'mirror-validate',
      LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true', AWS_REGION: 'us-east-1',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // A quarter of the function's 1,024 MB for the V8 heap: the aggregator must not need more.
    execArgv: [`--max-old-space-size=${AGGREGATOR_HEAP_MIB}`],
  });
  const ready = await new Promise<{ peakRssMiB: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { peakRssMiB: number }));
    child.once('error', reject);
  });
  let next = 0;
  return {
    startRssMiB: ready.peakRssMiB,
    invoke: (event) => new Promise((resolve, reject) => {
      const id = ++next;
      const onMessage = (m: unknown): void => {
        const a = m as ChildAnswer;
        if (a.id !== id) return;
        child.off('message', onMessage);
        if (a.error) reject(new Error(`aggregator: ${a.error}`));
        else resolve(a);
      };
      child.on('message', onMessage);
      child.send({ id, event });
    }),
    stop: () => child.kill(),
  };
}

function countBy(client: S3Client, label: () => FunctionName | null, into: Record<FunctionName, Record<string, number>>): void {
  client.middlewareStack.add((next, ctx) => async (args) => {
    const fn = label();
    if (fn) {
      const name = String(ctx.commandName).replace(/Command$/, '');
      into[fn][name] = (into[fn][name] ?? 0) + 1;
    }
    return next(args);
  }, { step: 'initialize', name: 'benchCountS3' });
}

/** Commands summed by request class. */
export function byKind(commands: Record<string, number>): Record<RequestKind, number> {
  const out: Record<RequestKind, number> = { PUT: 0, GET: 0, HEAD: 0, LIST: 0, DELETE: 0 };
  for (const [name, n] of Object.entries(commands)) out[KIND[name] ?? 'PUT'] += n;
  return out;
}

export interface HandlerScaleOptions {
  readonly root: string;
  readonly dir: string;
  /** The list's text and its counts. */
  readonly list: { readonly text: string; readonly lines: number; readonly images: number; readonly invalid: number };
  readonly name: string;
  readonly env: Record<string, string>;
  readonly secret: Record<string, unknown>;
  /** Validator invocations at once. Default 8. */
  readonly concurrency?: number;
  /** Progress notes per aggregator invocation (the stack's batch size). Default 100. */
  readonly notesPerInvocation?: number;
}

/** One run of `o.list` through the handlers; see the module doc. */
export async function measureHandlers(o: HandlerScaleOptions): Promise<HandlerScaleRun> {
  const fx = await startPipeline(o.env, o.secret);
  const commands: Record<FunctionName, Record<string, number>> = { splitter: {}, validator: {}, aggregator: {} };
  let current: FunctionName | null = null;
  const agg = await startAggregator(o.dir, o.root, fx);
  try {
    countBy(runtime('validator').clients.s3, () => current, commands);
    const t0 = performance.now();
    await fx.s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: `lists/${o.name}.txt`, Body: o.list.text }));
    current = 'splitter';
    const [outcome] = (await handlers.splitter(fx.drops.shift(), context)) as { runId: string; status: string }[];
    if (outcome?.status !== 'started') throw new Error(`splitter: ${JSON.stringify(outcome)}`);
    const work = fx.sqs.queue('work');
    const progress = fx.sqs.queue('progress');
    const aggStats = { invocations: 0, longestMs: 0, totalMs: 0, closingMs: 0, peakRssMiB: agg.startRssMiB, completionEvents: 0 };
    let validatorInvocations = 0;
    const aggregate = async (): Promise<boolean> => {
      const notes: QueueMessage<string>[] = [];
      for (let got = await progress.receive(10, 0); got.length > 0; got = notes.length < (o.notesPerInvocation ?? 100) ? await progress.receive(10, 0) : []) notes.push(...got);
      if (notes.length === 0) return false;
      current = null;
      const a = await agg.invoke(sqsEvent(notes));
      for (const [k, v] of Object.entries(a.counts)) commands.aggregator[k] = (commands.aggregator[k] ?? 0) + v;
      aggStats.invocations++;
      aggStats.totalMs += a.ms;
      aggStats.longestMs = Math.max(aggStats.longestMs, a.ms);
      aggStats.peakRssMiB = Math.max(aggStats.peakRssMiB, a.peakRssMiB);
      if (a.completions > aggStats.completionEvents) aggStats.closingMs = a.ms;
      aggStats.completionEvents = a.completions;
      const failed = new Set(a.failed);
      for (const m of notes) if (failed.has(m.id)) await progress.release(m); else await progress.ack(m);
      return true;
    };
    for (let idle = 0; idle < 2;) {
      const batches: QueueMessage<string>[][] = [];
      for (let i = 0; i < (o.concurrency ?? 8); i++) {
        const b = await work.receive(10, 0);
        if (b.length === 0) break;
        batches.push(b);
      }
      if (batches.length > 0) {
        current = 'validator';
        await Promise.all(batches.map(async (b) => {
          const out = (await handlers.validator(sqsEvent(b), context)) as { batchItemFailures: { itemIdentifier: string }[] };
          validatorInvocations++;
          const failed = new Set(out.batchItemFailures.map((f) => f.itemIdentifier));
          for (const m of b) if (failed.has(m.id)) await work.release(m); else await work.ack(m);
        }));
      }
      const due = progress.size() >= (o.notesPerInvocation ?? 100) || batches.length === 0;
      const aggregated = due ? await aggregate() : false;
      idle = batches.length === 0 && !aggregated ? idle + 1 : 0;
    }
    const wallSeconds = (performance.now() - t0) / 1000;
    const got = await fx.s3.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: `runs/${outcome.runId}/summary.json` }));
    const summary = JSON.parse(await got.Body!.transformToString()) as Record<string, unknown>;
    return {
      lines: o.list.lines, images: o.list.images, invalid: o.list.invalid, commands,
      requests: { splitter: byKind(commands.splitter), validator: byKind(commands.validator), aggregator: byKind(commands.aggregator) },
      aggregator: { ...aggStats, startRssMiB: agg.startRssMiB }, validatorInvocations, wallSeconds, summary,
    };
  } finally {
    agg.stop();
    await fx.stop();
  }
}
