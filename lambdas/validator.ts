/**
 * Validator: an SQS batch of work items -> one recorded result per line (lib/pipeline/process.ts),
 * with `reportBatchItemFailures`: only the messages to retry are returned. On a message's last
 * allowed receive a line that still throws is recorded as ERROR instead. Afterwards one progress
 * note per run of the batch asks the aggregator to check the run.
 */
import middy from '@middy/core';
import type { WorkItem } from '../lib/core/settings.js';
import type { QueueMessage } from '../lib/ports.js';
import { fromSqsRecord } from '../lib/adapters/aws/sqs-queue.js';
import { processMessages } from '../lib/pipeline/process.js';
import { createSecretCredentials } from '../lib/serverless/credentials.js';
import { errorFields, logger } from '../lib/serverless/logger.js';
import { lambdaLogging, type LambdaContext, type SqsBatchResponse, type SqsEvent } from '../lib/serverless/middleware.js';
import { runtime } from '../lib/serverless/runtime.js';
import { S3ContentCache } from '../lib/serverless/s3-cache.js';
import { isWorkItem } from '../lib/serverless/work-item.js';
import { CheckerPool } from '../lib/serverless/checker-pool.js';
import { metrics } from '../lib/serverless/metrics.js';
import { notesFor } from '../lib/serverless/progress-notes.js';

let pool: CheckerPool | undefined;

function checkers(context: LambdaContext): CheckerPool {
  const rt = runtime('validator');
  pool ??= new CheckerPool({
    store: rt.store,
    credentials: createSecretCredentials({ secretId: rt.config.secretArn, secrets: rt.clients.secrets, ecr: rt.clients.ecr }),
    allowlist: rt.config.allowlist,
    allowLoopback: rt.config.allowLoopbackRegistries,
    insecureTlsAllowed: rt.config.allowInsecureTls || !rt.config.defaults.tlsVerify,
    distrusted: (runId, message) => logger.warn(message, { runId }),
    cache: new S3ContentCache(rt.store, (err) => logger.warn('content cache unavailable', errorFields(err))),
    // Leave time to record results before the function times out.
    timeoutMs: Math.max(5_000, Math.min(rt.config.imageTimeoutMs, context.getRemainingTimeInMillis() - 15_000)),
    ...(rt.config.registryRetry ? { retry: rt.config.registryRetry } : {}),
  });
  return pool;
}

/** Forgets the container's image checkers (tests). */
export async function resetCheckers(): Promise<void> {
  await pool?.close();
  pool = undefined;
}

async function validate(event: SqsEvent, context: LambdaContext): Promise<SqsBatchResponse> {
  const rt = runtime('validator');
  const vp = checkers(context);
  const failures: string[] = [];
  const messages: QueueMessage<WorkItem>[] = [];
  for (const record of event.Records) {
    let msg: QueueMessage<unknown> | undefined;
    try {
      msg = fromSqsRecord<unknown>(record);
    } catch { /* reported below */ }
    if (msg && isWorkItem(msg.body)) messages.push(msg as QueueMessage<WorkItem>);
    else {
      logger.error('message is not a work item; left for the dead-letter queue', { messageId: record.messageId });
      failures.push(record.messageId);
    }
  }
  const { failedIds } = await processMessages(messages, {
    validate: (item) => vp.validate(item), store: rt.store, maxReceiveCount: rt.config.maxReceiveCount, concurrency: Math.max(1, messages.length),
    onResult: (r) => {
      metrics.add(`Lines${r.status}`, 1);
      if (r.durationMs !== undefined) metrics.add('ImageValidationTime', r.durationMs, 'Milliseconds');
    },
  });
  await vp.closeRetired();
  await rt.progress.send(notesFor(messages.map((m) => m.body))).catch((err: unknown) => logger.warn('progress note not sent', errorFields(err)));
  if (failedIds.length > 0) logger.warn('messages to retry', { count: failedIds.length });
  metrics.add('MessagesRetried', failedIds.length + failures.length);
  metrics.flush();
  return { batchItemFailures: [...failures, ...failedIds].map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handler = middy(validate).use(lambdaLogging(logger, 'validator'));
