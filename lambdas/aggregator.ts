/**
 * Aggregator: progress notes `{runId, shards?}` -> for each run of the batch (collapsed: the
 * shards the notes name, or all), compact the shards that are complete and close the run when
 * every line has a result, publish it to
 * `results/<list>/` and put the completion event (lib/serverless/complete-run.ts). Idempotent.
 * Compaction may use {@link COMPACT_SHARE} of the invocation's remaining time; a check that
 * stops with work left sends a new note for its run, so a big run closes over a few invocations.
 * A note whose check failed is returned for retry; a note for an unknown run is dropped with a
 * log line.
 */
import middy from '@middy/core';
import { isCodedError } from '../lib/core/errors.js';
import { completeRun } from '../lib/serverless/complete-run.js';
import { collectNotes } from '../lib/serverless/progress-notes.js';
import type { LambdaContext } from '../lib/serverless/middleware.js';
import { errorFields, logger } from '../lib/serverless/logger.js';
import { lambdaLogging, type SqsBatchResponse, type SqsEvent } from '../lib/serverless/middleware.js';
import { runtime } from '../lib/serverless/runtime.js';
import { metrics } from '../lib/serverless/metrics.js';

/** Share of the remaining time compaction may use; the rest is for writing the outputs. */
export const COMPACT_SHARE = 0.4;

async function aggregate(event: SqsEvent, context: LambdaContext): Promise<SqsBatchResponse> {
  const rt = runtime('aggregator');
  const deadline = Date.now() + context.getRemainingTimeInMillis() * COMPACT_SHARE;
  const again: string[] = [];
  const byRun = collectNotes(event.Records, (messageId) => logger.error('progress note without a run id; dropped', { messageId }));
  const failed: string[] = [];
  for (const [runId, { ids, shards }] of byRun) {
    try {
      const status = await completeRun(runId, {
        store: rt.store, bucket: rt.config.bucket,
        events: { client: rt.clients.events, busName: rt.config.eventBusName, source: rt.config.eventSource }, deadline,
        ...(shards === 'all' ? {} : { shards }),
      });
      logger.info('aggregation check', { runId, status });
      if (status === 'completed') metrics.add('RunsCompleted', 1);
      if (status === 'more') again.push(runId);
    } catch (err) {
      const unknownRun = isCodedError(err) && (err.code === 'RUN_NOT_FOUND' || err.code === 'INVALID_RUN_ID');
      logger.error(unknownRun ? 'progress note for an unknown run; dropped' : 'aggregation failed', { runId, ...errorFields(err) });
      if (!unknownRun) failed.push(...ids);
    }
  }
  if (again.length > 0) {
    await rt.progress.send(again.map((runId) => ({ runId }))).catch((err: unknown) => {
      logger.warn('follow-up progress note not sent; the sweeper will send one', errorFields(err));
    });
  }
  metrics.add('AggregationFailures', failed.length);
  metrics.flush();
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handler = middy(aggregate).use(lambdaLogging(logger, 'aggregator'));
