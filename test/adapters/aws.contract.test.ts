/**
 * The AWS adapters pass the same contract suites as the local ones: S3ObjectStore against s3rver
 * (the real S3 wire protocol) and SqsWorkQueue over HTTP against the fake SQS endpoint
 * (MemoryQueue semantics behind the AWS JSON protocol, time on a manual clock).
 */
import { afterAll, beforeAll } from 'vitest';
import { S3ObjectStore } from '../../lib/adapters/aws/s3-store.js';
import { SqsWorkQueue } from '../../lib/adapters/aws/sqs-queue.js';
import { objectStoreContract } from '../contracts/object-store.contract.js';
import { workQueueContract, type TestBody } from '../contracts/work-queue.contract.js';
import { startFakeSqs } from '../../testbed/fake-sqs.js';
import { startS3, type S3Fixture } from '../../testbed/s3.js';

let s3: S3Fixture;
let n = 0;
beforeAll(async () => {
  s3 = await startS3(['contract']);
});
afterAll(async () => {
  await s3.stop();
});

objectStoreContract('S3ObjectStore on s3rver', () => ({
  // Parts of 64 KiB (S3 wants 5 MiB; s3rver takes any size) so that streamed puts use several.
  store: new S3ObjectStore({ bucket: 'contract', prefix: `case-${++n}/`, client: s3.client(), partBytes: 64 * 1024 }),
}));

workQueueContract('SqsWorkQueue over the fake SQS endpoint', async () => {
  const sqs = await startFakeSqs({
    work: { visibilityTimeoutMs: 30_000, maxReceiveCount: 3, deadLetter: 'dlq' },
    dlq: { visibilityTimeoutMs: 30_000 },
  });
  const client = sqs.client();
  const make = (name: string) => new SqsWorkQueue<TestBody>({ queueUrl: sqs.url(name), client, retryDelayMs: 0 });
  return {
    queue: make('work'),
    deadLetter: make('dlq'),
    visibilityTimeoutMs: 30_000,
    maxReceiveCount: 3,
    advance: (ms) => sqs.clock.advance(ms),
    polling: () => sqs.polling(),
    teardown: async () => {
      client.destroy();
      await sqs.stop();
    },
  };
});
