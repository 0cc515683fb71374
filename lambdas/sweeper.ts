/**
 * Sweeper (EventBridge Scheduler, every 5 minutes): drains the work dead-letter queue into ERROR
 * results, closes runs past their deadline (missing lines become ERROR NO_RESULT) and sends
 * progress notes for open or unpublished runs, so every run finishes (lib/serverless/sweep.ts).
 */
import middy from '@middy/core';
import { logger } from '../lib/serverless/logger.js';
import { lambdaLogging } from '../lib/serverless/middleware.js';
import { runtime } from '../lib/serverless/runtime.js';
import { sweep, type SweepReport } from '../lib/serverless/sweep.js';
import { metrics } from '../lib/serverless/metrics.js';

async function sweepOnce(): Promise<SweepReport> {
  const rt = runtime('sweeper');
  const report = await sweep({
    store: rt.store, deadLetters: rt.deadLetters, progress: rt.progress, maxReceiveCount: rt.config.maxReceiveCount, log: logger,
    lookbackMs: rt.config.runDeadlineMs + 24 * 3_600_000,
  });
  logger.info('sweep', { deadLetters: report.deadLetters, closed: report.closed.length, noted: report.noted.length });
  metrics.add('DeadLettersRecorded', report.deadLetters);
  metrics.add('RunsClosedByDeadline', report.closed.length);
  metrics.flush();
  return report;
}

export const handler = middy(sweepOnce).use(lambdaLogging(logger, 'sweeper'));
