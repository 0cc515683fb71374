/**
 * Environment variables of the pipeline functions. Run-setting defaults are named like the CLI
 * flags' environment variables; lists are comma separated, booleans `true`/`false`.
 */
import type { PipelineConfig } from './config.js';
import type { HandlerName } from './paths.js';

/** Resource names and URLs the stack resolves at deploy time. */
export interface EnvironmentResources {
  readonly bucketName: string;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly progressQueueUrl: string;
  readonly secretArn: string;
  readonly eventBusName: string;
  readonly eventSource: string;
}

/** Service name used by the logger and metrics (Powertools conventions). */
export const SERVICE_NAME = 'mirror-validate';

/** Variables every function gets. */
export function commonEnvironment(c: PipelineConfig, r: EnvironmentResources): Record<string, string> {
  return {
    BUCKET: r.bucketName,
    INPUT_PREFIX: c.inputPrefix,
    ...(c.sourceRegistry ? { SOURCE_REGISTRY: c.sourceRegistry } : {}),
    ...(c.destRegistry ? { DEST_REGISTRY: c.destRegistry } : {}),
    ARCH: c.arch.join(','),
    OS: c.os.join(','),
    DEFAULT_PROJECT: c.defaultProject,
    DEEP: String(c.deep),
    ATTESTATIONS: String(c.attestations),
    SIGNATURES: String(c.signatures),
    MAX_RECEIVE_COUNT: String(c.maxReceiveCount),
    RUN_DEADLINE_MINUTES: String(c.runDeadlineMinutes),
    EVENT_BUS_NAME: r.eventBusName,
    EVENT_SOURCE: r.eventSource,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: 'MirrorValidate',
    NODE_OPTIONS: '--enable-source-maps',
  };
}

/** Common variables plus what each function needs for its own resources. */
export function functionEnvironments(c: PipelineConfig, r: EnvironmentResources): Record<HandlerName, Record<string, string>> {
  const common = commonEnvironment(c, r);
  // The splitter refuses tls-verify=false unless allowed; the validator re-checks run records against the same flag.
  const insecure: Record<string, string> = c.allowInsecureTls ? { ALLOW_INSECURE_TLS: 'true' } : {};
  return {
    splitter: { ...common, ...insecure, QUEUE_URL: r.queueUrl, PROGRESS_QUEUE_URL: r.progressQueueUrl },
    validator: {
      ...common,
      ...insecure,
      PROGRESS_QUEUE_URL: r.progressQueueUrl,
      ALLOWLIST: c.allowlist.join(','),
      SECRET_ARN: r.secretArn,
      ...(c.ecrRegistries.length > 0 ? { ECR_REGISTRIES: c.ecrRegistries.join(',') } : {}),
    },
    aggregator: { ...common, PROGRESS_QUEUE_URL: r.progressQueueUrl },
    sweeper: { ...common, DLQ_URL: r.dlqUrl, PROGRESS_QUEUE_URL: r.progressQueueUrl },
  };
}
