/**
 * The serverless pipeline (SPEC §5, §6): S3 drop → splitter → SQS → validators → aggregator.
 *
 * Flow:
 * 1. A list lands under `inputPrefix` (S3 `ObjectCreated`), or a Scheduler schedule names one.
 *    The splitter creates `runs/<runId>/`, records INVALID lines, sends one work message per
 *    line, then sends one progress note for the run (so a run of only INVALID lines completes).
 * 2. The validator consumes work messages (`batchSize`, `maxConcurrency: jobs`,
 *    `reportBatchItemFailures`), records each result idempotently under `runs/<runId>/`, and
 *    sends one progress note `{ runId }` per run it touched in the batch.
 * 3. **Aggregation trigger: a progress queue.** The aggregator consumes progress notes in
 *    batches of up to 100 gathered over 10 s, with `maxConcurrency: 2`, collapses them per run
 *    and checks whether the run is complete; if so it writes the failed file, report and summary
 *    (idempotently), copies them to `results/<list>/` unless a newer run is there, and puts a
 *    completion event. This scales with the number of batches, not of lines: the batching window
 *    turns thousands of notes into a few checks per minute, and the low concurrency keeps
 *    checks of the same run from racing. A lost note is harmless: the next note or the sweeper
 *    triggers the check again.
 * 4. The sweeper runs every 5 minutes: it drains the work DLQ into ERROR results, records
 *    `NO_RESULT` for lines of runs past their deadline, and sends progress notes for open runs,
 *    so every run finishes.
 */
import { Duration } from 'aws-cdk-lib';
import { EventType } from 'aws-cdk-lib/aws-s3';
import { S3EventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { allowKeys, allowList, allowObjects } from './access.js';
import { PipelineAlarms } from './alarms.js';
import { KEY_PREFIXES, type PipelineConfig } from './config.js';
import { RegistryCredentials, grantEcrRead } from './credentials.js';
import { functionEnvironments } from './environment.js';
import { PipelineFunctions, type FunctionSizing } from './functions.js';
import { acknowledgeBucketNotificationsHandler } from './nag-framework.js';
import { EVENT_SOURCE, PipelineNotifications } from './notifications.js';
import type { HandlerName } from './paths.js';
import { PipelineQueues } from './queues.js';
import { PipelineSchedules } from './schedules.js';
import { PipelineStorage } from './storage.js';

export interface MirrorValidatePipelineProps {
  readonly config: PipelineConfig;
  /** Repository root holding `lambdas/` (default: found from this module). */
  readonly repoRoot?: string;
}

/** Progress notes per aggregator invocation, gathered over `PROGRESS_BATCH_WINDOW`. */
export const PROGRESS_BATCH_SIZE = 100;
export const PROGRESS_BATCH_WINDOW = Duration.seconds(10);

/**
 * Memory and timeouts (BENCHMARKS.md, "Aggregation at scale" and the paper model): the aggregator's
 * (and the sweeper's, which may close a run too) peak memory does not grow with the list, but the
 * invocation that closes a run writes every output in one pass over its shards, CPU-bound: 1,769 MB
 * is one full vCPU, and 15 minutes (the maximum) leaves a 1,000,000-line run's closing invocation
 * several times the time it needs; compaction stops at 40 % of an invocation and goes on in the next.
 */
export function sizing(config: PipelineConfig): Record<HandlerName, FunctionSizing> {
  return {
    splitter: { memoryMb: 512, timeout: Duration.minutes(15) },
    validator: { memoryMb: 1024, timeout: Duration.seconds(config.validatorTimeoutSeconds) },
    aggregator: { memoryMb: AGGREGATOR_MEMORY_MB, timeout: Duration.minutes(15) },
    sweeper: { memoryMb: AGGREGATOR_MEMORY_MB, timeout: Duration.minutes(15) },
  };
}

/** One full vCPU (Lambda allots CPU in proportion to memory). */
export const AGGREGATOR_MEMORY_MB = 1769;

export class MirrorValidatePipeline extends Construct {
  readonly storage: PipelineStorage;
  readonly queues: PipelineQueues;
  readonly functions: PipelineFunctions;
  readonly credentials: RegistryCredentials;
  readonly notifications: PipelineNotifications;
  readonly schedules: PipelineSchedules;
  readonly alarms: PipelineAlarms;

  constructor(scope: Construct, id: string, props: MirrorValidatePipelineProps) {
    super(scope, id);
    const c = props.config;
    const size = sizing(c);
    this.storage = new PipelineStorage(this, 'Storage', { runsRetentionDays: c.runsRetentionDays });
    this.queues = new PipelineQueues(this, 'Queues', {
      validatorTimeout: size.validator.timeout,
      aggregatorTimeout: size.aggregator.timeout,
      maxReceiveCount: c.maxReceiveCount,
    });
    this.credentials = new RegistryCredentials(this, 'Credentials', c.secretName ? { secretName: c.secretName } : {});
    this.notifications = new PipelineNotifications(this, 'Notifications', {
      ...(c.eventBusName ? { eventBusName: c.eventBusName } : {}),
      ...(c.notificationEmail ? { notificationEmail: c.notificationEmail } : {}),
    });
    const { bucket } = this.storage;
    const q = this.queues;
    this.functions = new PipelineFunctions(this, 'Functions', {
      sizing: size,
      environment: functionEnvironments(c, {
        bucketName: bucket.bucketName,
        queueUrl: q.work.queueUrl,
        dlqUrl: q.dlq.queueUrl,
        progressQueueUrl: q.progress.queueUrl,
        secretArn: this.credentials.secret.secretArn,
        eventBusName: this.notifications.bus.eventBusName,
        eventSource: EVENT_SOURCE,
      }),
      logRetention: c.logRetentionDays as RetentionDays,
      tracing: c.tracing,
      ...(c.vpcId ? { validatorNetwork: { vpcId: c.vpcId, subnetIds: c.subnetIds, securityGroupIds: c.securityGroupIds } } : {}),
      ...(props.repoRoot ? { repoRoot: props.repoRoot } : {}),
    });
    this.grant(c);
    this.connect(c);
    this.schedules = new PipelineSchedules(this, 'Schedules', {
      bucket,
      splitter: this.functions.splitter,
      sweeper: this.functions.sweeper,
      schedules: c.schedules,
    });
    const f = this.functions;
    this.alarms = new PipelineAlarms(this, 'Alarms', {
      deadLetterQueues: { WorkDlq: q.dlq, ProgressDlq: q.progressDlq },
      functions: { Splitter: f.splitter, Validator: f.validator, Aggregator: f.aggregator, Sweeper: f.sweeper },
      ...(this.notifications.topic ? { topic: this.notifications.topic } : {}),
    });
  }

  /**
   * Least-privilege grants: each function gets only its prefixes, queues and services.
   * `s3:DeleteObject` on `runs/`: the split removes the record of a list without images, and
   * aggregation (aggregator; sweeper when forcing) removes a run's stale failed file. The
   * validator, which talks to registries, reads a run's record and writes only line results
   * (and the content cache): it cannot rewrite `run.json`, reports or anything else.
   */
  private grant(c: PipelineConfig): void {
    const { bucket } = this.storage;
    const { splitter, validator, aggregator, sweeper } = this.functions;
    const q = this.queues;
    const { runs, results, cache } = KEY_PREFIXES;
    const role = (fn: { role?: import('aws-cdk-lib/aws-iam').IRole }) => fn.role!;
    for (const fn of this.functions.all) allowList(role(fn), bucket);

    allowObjects(role(splitter), bucket, c.inputPrefix, ['s3:GetObject']);
    allowObjects(role(splitter), bucket, runs, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']);
    q.work.grantSendMessages(splitter);
    q.progress.grantSendMessages(splitter);

    allowKeys(role(validator), bucket, `${runs}*/run.json`, ['s3:GetObject']);
    allowKeys(role(validator), bucket, `${runs}*/results/*`, ['s3:GetObject', 's3:PutObject']);
    allowObjects(role(validator), bucket, cache, ['s3:GetObject', 's3:PutObject']);
    q.progress.grantSendMessages(validator);
    this.credentials.grantRead(role(validator));
    grantEcrRead(role(validator), c.ecrRegistries);

    allowObjects(role(aggregator), bucket, runs, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']);
    allowObjects(role(aggregator), bucket, results, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']);
    this.notifications.bus.grantPutEventsTo(aggregator);
    q.progress.grantSendMessages(aggregator);

    allowObjects(role(sweeper), bucket, runs, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']);
    q.dlq.grantConsumeMessages(sweeper);
    q.progress.grantSendMessages(sweeper);
    this.notifications.bus.grantPutEventsTo(sweeper);
  }

  /** Event sources: S3 drops to the splitter, work to the validator, progress to the aggregator. */
  private connect(c: PipelineConfig): void {
    const { splitter, validator, aggregator } = this.functions;
    splitter.addEventSource(new S3EventSource(this.storage.bucket, {
      events: [EventType.OBJECT_CREATED],
      filters: [{ prefix: c.inputPrefix }],
    }));
    acknowledgeBucketNotificationsHandler(this);
    validator.addEventSource(new SqsEventSource(this.queues.work, {
      batchSize: c.batchSize,
      maxConcurrency: c.jobs,
      reportBatchItemFailures: true,
    }));
    aggregator.addEventSource(new SqsEventSource(this.queues.progress, {
      batchSize: PROGRESS_BATCH_SIZE,
      maxBatchingWindow: PROGRESS_BATCH_WINDOW,
      maxConcurrency: 2,
      reportBatchItemFailures: true,
    }));
  }
}
