/**
 * Queues of the pipeline: the work queue (one message per list line) with its DLQ, and the
 * progress queue (one note per run touched) with its own DLQ. All are standard queues with
 * SQS-managed encryption and an SSL-only policy.
 */
import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface PipelineQueuesProps {
  /** Validator timeout; the work queue's visibility timeout is 6 times this. */
  readonly validatorTimeout: Duration;
  /** Aggregator timeout; the progress queue's visibility timeout is 6 times this. */
  readonly aggregatorTimeout: Duration;
  /** Receives of a work message before it moves to the DLQ. */
  readonly maxReceiveCount: number;
}

/** Receives of a progress note before it moves to its DLQ (the sweeper is the backstop). */
export const PROGRESS_MAX_RECEIVE_COUNT = 5;

/** Seconds of `d` times `factor`, as a Duration (visibility = factor x consumer timeout). */
function times(d: Duration, factor: number): Duration {
  return Duration.seconds(d.toSeconds() * factor);
}

export class PipelineQueues extends Construct {
  /** Work items (`WorkItem` JSON), consumed by the validator. */
  readonly work: Queue;
  /** Work items that exhausted `maxReceiveCount`; drained into ERROR results by the sweeper. */
  readonly dlq: Queue;
  /** `{ runId }` notes, consumed by the aggregator. */
  readonly progress: Queue;
  readonly progressDlq: Queue;

  constructor(scope: Construct, id: string, props: PipelineQueuesProps) {
    super(scope, id);
    const secure = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true };
    this.dlq = new Queue(this, 'WorkDlq', { ...secure, retentionPeriod: Duration.days(14) });
    this.work = new Queue(this, 'Work', {
      ...secure,
      visibilityTimeout: times(props.validatorTimeout, 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: props.maxReceiveCount },
    });
    this.progressDlq = new Queue(this, 'ProgressDlq', { ...secure, retentionPeriod: Duration.days(14) });
    this.progress = new Queue(this, 'Progress', {
      ...secure,
      visibilityTimeout: times(props.aggregatorTimeout, 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.progressDlq, maxReceiveCount: PROGRESS_MAX_RECEIVE_COUNT },
    });
  }
}
