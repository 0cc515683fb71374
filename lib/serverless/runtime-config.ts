/**
 * Runtime configuration of the pipeline functions, read from the environment the stack sets
 * (lib/infra/environment.ts) once per container and checked at once: a missing or malformed
 * variable is an `AwsRuntimeError('CONFIG')` naming it, so a broken deployment fails on its
 * first invocation with a clear message rather than somewhere in the middle of a run.
 *
 * | variable | used by | meaning |
 * |---|---|---|
 * | `BUCKET`, `INPUT_PREFIX` | all | the pipeline bucket and where lists are dropped |
 * | `SOURCE_REGISTRY`, `DEST_REGISTRY`, `ARCH`, `OS`, `DEFAULT_PROJECT`, `DEEP`, `ATTESTATIONS`, `SIGNATURES` | all | run-setting defaults |
 * | `TLS_VERIFY` (optional, default `true`) | all | stack default of `--tls-verify` |
 * | `ALLOW_INSECURE_TLS` (optional, default `false`) | splitter, validator | lets a run set `tls-verify=false` (the validator re-checks the run record against it) |
 * | `MAX_RECEIVE_COUNT` | validator, sweeper | the work queue's redrive `maxReceiveCount` |
 * | `RUN_DEADLINE_MINUTES` | splitter, sweeper | when the sweeper may close a run |
 * | `QUEUE_URL` | splitter | work queue |
 * | `PROGRESS_QUEUE_URL` | splitter, validator, aggregator, sweeper | aggregation notes |
 * | `DLQ_URL` | sweeper | the work queue's dead-letter queue |
 * | `ALLOWLIST`, `SECRET_ARN`, `ECR_REGISTRIES` (optional) | validator | registries it may contact; credentials |
 * | `ALLOW_LOOPBACK_REGISTRIES` (optional, default `false`) | validator | registries named explicitly in `ALLOWLIST` may be on loopback: local test stands only, the stack never sets it (link-local stays refused) |
 * | `IMAGE_TIMEOUT_SECONDS` (optional, default `VALIDATOR_TIMEOUT_SECONDS`) | validator | time limit of one image |
 * | `REGISTRY_RETRY_BASE_MS`, `REGISTRY_RETRY_MAX_MS` (optional; defaults `REGISTRY_RETRY`) | validator | registry retry backoff (tests shorten it) |
 * | `MAX_LIST_BYTES` (optional, default `MAX_LIST_BYTES`) | splitter | largest list accepted |
 * | `EVENT_BUS_NAME`, `EVENT_SOURCE` | aggregator | completion events |
 */
import { DEFAULT_SETTINGS, MAX_RECEIVE_COUNT, REGISTRY_RETRY, RUN_DEADLINE_MINUTES, VALIDATOR_TIMEOUT_SECONDS } from '../core/defaults.js';
import type { RunSettings } from '../core/settings.js';
import { AwsRuntimeError } from './errors.js';

export type HandlerRole = 'splitter' | 'validator' | 'aggregator' | 'sweeper';

export interface RuntimeConfig {
  readonly bucket: string;
  /** Ends with `/` (or is empty: the whole bucket). */
  readonly inputPrefix: string;
  /** Stack defaults of every run's settings. */
  readonly defaults: RunSettings;
  readonly allowInsecureTls: boolean;
  readonly maxReceiveCount: number;
  readonly runDeadlineMs: number;
  readonly queueUrl: string;
  readonly progressQueueUrl: string;
  readonly dlqUrl: string;
  readonly allowlist: readonly string[];
  /** Explicitly listed registries may be on loopback (local test stands; never set by the stack). */
  readonly allowLoopbackRegistries: boolean;
  readonly secretArn: string;
  readonly ecrRegistries: readonly string[];
  readonly imageTimeoutMs: number;
  /** Registry backoff overrides; absent: the registry client's defaults. */
  readonly registryRetry?: { readonly baseMs?: number; readonly maxMs?: number };
  /** Largest list the splitter accepts; absent: `MAX_LIST_BYTES` of core/defaults.ts. */
  readonly maxListBytes?: number;
  readonly eventBusName: string;
  readonly eventSource: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const REQUIRED: Readonly<Record<HandlerRole, readonly string[]>> = {
  splitter: ['BUCKET', 'INPUT_PREFIX', 'QUEUE_URL', 'PROGRESS_QUEUE_URL'],
  validator: ['BUCKET', 'PROGRESS_QUEUE_URL', 'ALLOWLIST', 'SECRET_ARN', 'MAX_RECEIVE_COUNT'],
  aggregator: ['BUCKET', 'EVENT_BUS_NAME', 'EVENT_SOURCE', 'PROGRESS_QUEUE_URL'],
  sweeper: ['BUCKET', 'DLQ_URL', 'PROGRESS_QUEUE_URL', 'MAX_RECEIVE_COUNT'],
};

function bad(name: string, expected: string, value: string): never {
  throw new AwsRuntimeError('CONFIG', `environment variable ${name}: expected ${expected}, got ${JSON.stringify(value.slice(0, 100))}`);
}

function list(env: Env, name: string, fallback: readonly string[]): readonly string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return bad(name, 'true or false', raw);
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) return bad(name, `a whole number from ${min} to ${max}`, raw);
  return n;
}

function retryOverrides(env: Env): Pick<RuntimeConfig, 'registryRetry'> {
  const set = (name: string) => env[name] !== undefined && env[name]!.trim() !== '';
  if (!set('REGISTRY_RETRY_BASE_MS') && !set('REGISTRY_RETRY_MAX_MS')) return {};
  return {
    registryRetry: {
      ...(set('REGISTRY_RETRY_BASE_MS') ? { baseMs: int(env, 'REGISTRY_RETRY_BASE_MS', REGISTRY_RETRY.baseMs, 1, 60_000) } : {}),
      ...(set('REGISTRY_RETRY_MAX_MS') ? { maxMs: int(env, 'REGISTRY_RETRY_MAX_MS', REGISTRY_RETRY.maxMs, 1, 600_000) } : {}),
    },
  };
}

/**
 * Reads and checks the variables `role` needs.
 *
 * @throws AwsRuntimeError `CONFIG` naming the first missing or malformed variable.
 */
export function readRuntimeConfig(role: HandlerRole, env: Env = process.env): RuntimeConfig {
  for (const name of REQUIRED[role]) {
    if (env[name] === undefined || env[name]!.trim() === '') {
      throw new AwsRuntimeError('CONFIG', `environment variable ${name} is not set (required by the ${role} function)`);
    }
  }
  const allowlist = list(env, 'ALLOWLIST', []).map((s) => s.toLowerCase());
  if (role === 'validator' && allowlist.length === 0) bad('ALLOWLIST', 'at least one registry', env.ALLOWLIST ?? '');
  const inputPrefix = env.INPUT_PREFIX ?? '';
  if (inputPrefix !== '' && !inputPrefix.endsWith('/')) bad('INPUT_PREFIX', 'a prefix ending with "/"', inputPrefix);
  const opt = (name: string): string | undefined => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const sourceRegistry = opt('SOURCE_REGISTRY');
  const destRegistry = opt('DEST_REGISTRY');
  const defaults: RunSettings = {
    ...(sourceRegistry ? { sourceRegistry } : {}),
    ...(destRegistry ? { destRegistry } : {}),
    defaultProject: opt('DEFAULT_PROJECT') ?? DEFAULT_SETTINGS.defaultProject,
    arch: list(env, 'ARCH', DEFAULT_SETTINGS.arch),
    os: list(env, 'OS', DEFAULT_SETTINGS.os),
    deep: bool(env, 'DEEP', DEFAULT_SETTINGS.deep),
    attestations: bool(env, 'ATTESTATIONS', DEFAULT_SETTINGS.attestations),
    signatures: bool(env, 'SIGNATURES', DEFAULT_SETTINGS.signatures),
    tlsVerify: bool(env, 'TLS_VERIFY', DEFAULT_SETTINGS.tlsVerify),
  };
  return {
    bucket: env.BUCKET!.trim(),
    inputPrefix,
    defaults,
    allowInsecureTls: bool(env, 'ALLOW_INSECURE_TLS', false),
    maxReceiveCount: int(env, 'MAX_RECEIVE_COUNT', MAX_RECEIVE_COUNT, 1, 1000),
    runDeadlineMs: int(env, 'RUN_DEADLINE_MINUTES', RUN_DEADLINE_MINUTES, 1, 14 * 24 * 60) * 60_000,
    queueUrl: env.QUEUE_URL ?? '',
    progressQueueUrl: env.PROGRESS_QUEUE_URL ?? '',
    dlqUrl: env.DLQ_URL ?? '',
    allowlist,
    allowLoopbackRegistries: bool(env, 'ALLOW_LOOPBACK_REGISTRIES', false),
    secretArn: env.SECRET_ARN ?? '',
    ecrRegistries: list(env, 'ECR_REGISTRIES', []).map((s) => s.toLowerCase()),
    imageTimeoutMs: int(env, 'IMAGE_TIMEOUT_SECONDS', VALIDATOR_TIMEOUT_SECONDS, 1, 900) * 1000,
    ...retryOverrides(env),
    ...(opt('MAX_LIST_BYTES') ? { maxListBytes: int(env, 'MAX_LIST_BYTES', 0, 1, Number.MAX_SAFE_INTEGER) } : {}),
    eventBusName: env.EVENT_BUS_NAME ?? 'default',
    eventSource: env.EVENT_SOURCE ?? 'mirror-validate',
  };
}
