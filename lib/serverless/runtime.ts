/**
 * The adapters of one Lambda container, built once (lazily, on first use) and reused by every
 * invocation: AWS SDK clients, the S3 object store, the SQS queues (work, progress, dead letters). Tests point the clients at
 * local stand-ins with {@link useAwsClients} and start over with {@link resetRuntime}.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ECRClient } from '@aws-sdk/client-ecr';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { WorkItem } from '../core/settings.js';
import { S3ObjectStore } from '../adapters/aws/s3-store.js';
import { jsonOrText, SqsWorkQueue } from '../adapters/aws/sqs-queue.js';
import { readRuntimeConfig, type HandlerRole, type RuntimeConfig } from './runtime-config.js';
import type { ProgressNote } from './progress-notes.js';

export type { ProgressNote } from './progress-notes.js';

export interface AwsClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly secrets: SecretsManagerClient;
  readonly ecr: (region: string) => ECRClient;
  readonly events: EventBridgeClient;
}


export interface Runtime {
  readonly config: RuntimeConfig;
  readonly clients: AwsClients;
  readonly store: S3ObjectStore;
  readonly work: SqsWorkQueue<WorkItem>;
  readonly progress: SqsWorkQueue<ProgressNote>;
  /** The work queue's dead-letter queue (sweeper). */
  readonly deadLetters: SqsWorkQueue<unknown>;
}

let overrides: Partial<AwsClients> = {};
let clients: AwsClients | undefined;
const runtimes = new Map<HandlerRole, Runtime>();

/** Replaces some clients (tests: s3rver, a fake SQS endpoint, mocked services). Resets the runtime. */
export function useAwsClients(o: Partial<AwsClients>): void {
  overrides = o;
  resetRuntime();
}

/** Forgets every built adapter and the configuration (tests change the environment between cases). */
export function resetRuntime(): void {
  clients = undefined;
  runtimes.clear();
}

function buildClients(): AwsClients {
  const ecrByRegion = new Map<string, ECRClient>();
  return {
    s3: overrides.s3 ?? new S3Client({}),
    sqs: overrides.sqs ?? new SQSClient({}),
    secrets: overrides.secrets ?? new SecretsManagerClient({}),
    ecr: overrides.ecr ?? ((region) => {
      let c = ecrByRegion.get(region);
      if (!c) ecrByRegion.set(region, (c = new ECRClient({ region })));
      return c;
    }),
    events: overrides.events ?? new EventBridgeClient({}),
  };
}

/** The container's runtime for `role`. @throws AwsRuntimeError `CONFIG` on a bad environment. */
export function runtime(role: HandlerRole, env: Readonly<Record<string, string | undefined>> = process.env): Runtime {
  let rt = runtimes.get(role);
  if (!rt) {
    const config = readRuntimeConfig(role, env);
    clients ??= buildClients();
    rt = {
      config,
      clients,
      store: new S3ObjectStore({ bucket: config.bucket, client: clients.s3 }),
      work: new SqsWorkQueue<WorkItem>({ queueUrl: config.queueUrl, client: clients.sqs }),
      progress: new SqsWorkQueue<ProgressNote>({ queueUrl: config.progressQueueUrl, client: clients.sqs }),
      deadLetters: new SqsWorkQueue<unknown>({ queueUrl: config.dlqUrl, client: clients.sqs, decode: jsonOrText }),
    };
    runtimes.set(role, rt);
  }
  return rt;
}
