/**
 * What every handler shares: the Lambda shapes we use, and a middy middleware that tags log
 * lines with the request id and logs a failed invocation once (name, code, message; never
 * secrets) before middy rethrows it.
 */
import type { MiddlewareObj } from '@middy/core';
import type { SqsRecord } from '../adapters/aws/sqs-queue.js';
import { errorFields, type Logger } from './logger.js';

/** The fields of the Lambda context the handlers use. */
export interface LambdaContext {
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}


export interface SqsEvent {
  readonly Records: readonly SqsRecord[];
}

export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** Logs with the request id; logs and rethrows errors. */
export function lambdaLogging(log: Logger, handlerName: string): MiddlewareObj {
  return {
    name: 'mirror-validate-logging',
    before: (request) => {
      log.setRequestId((request.context as LambdaContext | undefined)?.awsRequestId);
    },
    onError: (request) => {
      log.error(`${handlerName} failed`, errorFields(request.error));
    },
  };
}

/** Message ids de-duplicated in order. */
export function unique<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}
