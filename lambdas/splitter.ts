/**
 * Splitter: starts a run for each list dropped under the input prefix (S3 `ObjectCreated`) or
 * named by a Scheduler input `{bucket, key, name?, scheduledTime?, settings?}`. Problems of a
 * list or its settings finish the run as fatal (lib/serverless/start-run.ts); anything else (S3 or SQS
 * unavailable) throws, so Lambda retries the event, and the deterministic run id makes the
 * retry continue the same run.
 */
import middy from '@middy/core';
import { logger } from '../lib/serverless/logger.js';
import { lambdaLogging, type LambdaContext } from '../lib/serverless/middleware.js';
import { runtime } from '../lib/serverless/runtime.js';
import { startRun, type StartOutcome } from '../lib/serverless/start-run.js';
import { isS3Event, s3Triggers, scheduleTrigger, type RunTrigger } from '../lib/serverless/triggers.js';

async function split(event: unknown, context: LambdaContext): Promise<StartOutcome[]> {
  const rt = runtime('splitter');
  const ctx = { bucket: rt.config.bucket, inputPrefix: rt.config.inputPrefix, requestId: context.awsRequestId, now: () => new Date() };
  let triggers: RunTrigger[];
  if (isS3Event(event)) {
    const records = event.Records.filter((r) => {
      const key = r.s3?.object?.key ?? '';
      const wanted = r.eventName?.startsWith('ObjectCreated:') && key.startsWith(rt.config.inputPrefix) && !key.endsWith('/');
      if (!wanted) logger.info('ignored S3 record', { eventName: r.eventName, key });
      return wanted;
    });
    triggers = s3Triggers(records, ctx);
  } else {
    triggers = [scheduleTrigger(event as Record<string, unknown>, ctx)];
  }
  const outcomes: StartOutcome[] = [];
  for (const t of triggers) {
    const outcome = await startRun(t, { ...rt, log: logger, ...(rt.config.maxListBytes ? { maxListBytes: rt.config.maxListBytes } : {}) });
    logger.info('split', { runId: t.runId, list: t.key, status: outcome.status, ...(outcome.fatal ? { fatal: outcome.fatal } : {}) });
    outcomes.push(outcome);
  }
  return outcomes;
}

export const handler = middy(split).use(lambdaLogging(logger, 'splitter'));
