/**
 * Stack configuration of the serverless pipeline, read from `cdk.json` context (or
 * `cdk deploy -c key=value`) and stack props, with defaults and checks. Props win over context.
 * Every problem is an `InfraError('INVALID_CONFIG')` naming the key, e.g.
 * `mirror-validate config "jobs": expected a whole number from 2 to 1000, got "1"`.
 */
import type { Construct } from 'constructs';
import {
  BATCH_SIZE, DEFAULT_SETTINGS, INPUT_PREFIX, LOG_RETENTION_DAYS as DEFAULT_LOG_RETENTION_DAYS, MAX_RECEIVE_COUNT,
  RUN_DEADLINE_MINUTES, RUNS_RETENTION_DAYS, SERVERLESS_JOBS, VALIDATOR_TIMEOUT_SECONDS,
} from '../core/defaults.js';
import { isProjectPath } from '../core/ref.js';
import { expandAllowlist, normalizeRegistry } from './allowlist.js';
import { parseSchedules, type ScheduleConfig } from './config-schedules.js';
import { bool, int, invalid, list, optString } from './context-values.js';

export type { ScheduleConfig } from './config-schedules.js';

/** Key prefixes in the bucket besides the input prefix (fixed: handlers and docs rely on them). */
export const KEY_PREFIXES = Object.freeze({ runs: 'runs/', results: 'results/', cache: 'cache/' });

/** Validated configuration of one pipeline. */
export interface PipelineConfig {
  /** Default `-s`: source registry of every line (overridable per run). */
  readonly sourceRegistry?: string;
  /** Default `-d`: destination registry of every line (overridable per run). */
  readonly destRegistry?: string;
  /** Registries as configured (normalised), without implied hosts. */
  readonly registries: readonly string[];
  /** What the validator may contact: registries, their implied hosts, source/destination, ECR. */
  readonly allowlist: readonly string[];
  readonly arch: readonly string[];
  readonly os: readonly string[];
  readonly defaultProject: string;
  readonly deep: boolean;
  readonly attestations: boolean;
  readonly signatures: boolean;
  /** Maximum concurrent validator invocations (SQS event source `maxConcurrency`, 2..1000). */
  readonly jobs: number;
  /** Work messages per validator invocation (1..10). */
  readonly batchSize: number;
  readonly validatorTimeoutSeconds: number;
  /** Receives of a work message before it moves to the DLQ. */
  readonly maxReceiveCount: number;
  readonly schedules: readonly ScheduleConfig[];
  /** Existing Secrets Manager secret with registry credentials; unset: the stack creates one. */
  readonly secretName?: string;
  /** ECR registry hosts (`<account>.dkr.ecr.<region>.amazonaws.com`) read through `GetAuthorizationToken`. */
  readonly ecrRegistries: readonly string[];
  readonly notificationEmail?: string;
  /** Event bus for completion events; unset: the account's default bus. */
  readonly eventBusName?: string;
  readonly runDeadlineMinutes: number;
  readonly runsRetentionDays: number;
  /** Where lists are dropped; ends with `/`. */
  readonly inputPrefix: string;
  readonly logRetentionDays: number;
  readonly tracing: boolean;
  /** Runs may set `tls-verify=false` (ALLOW_INSECURE_TLS on the splitter and the validator). */
  readonly allowInsecureTls: boolean;
  /** VPC the validator runs in (registries inside it); unset: no VPC. */
  readonly vpcId?: string;
  /** Subnets of `vpcId` for the validator; empty: its private subnets with egress (looked up). */
  readonly subnetIds: readonly string[];
  /** Security groups of the validator; empty: one created with outbound traffic only. */
  readonly securityGroupIds: readonly string[];
}

/** Raw values as found in context or props (strings from `-c` are accepted for every key). */
export type PipelineConfigInput = { readonly [K in keyof PipelineConfig]?: unknown };

/** Every key read from context, in documentation order. */
export const CONFIG_KEYS: readonly (keyof PipelineConfig)[] = [
  'sourceRegistry', 'destRegistry', 'registries', 'arch', 'os', 'defaultProject', 'deep', 'attestations',
  'signatures', 'jobs', 'batchSize', 'validatorTimeoutSeconds', 'maxReceiveCount', 'schedules', 'secretName', 'ecrRegistries',
  'notificationEmail', 'eventBusName', 'runDeadlineMinutes', 'runsRetentionDays', 'inputPrefix',
  'logRetentionDays', 'tracing', 'allowInsecureTls', 'vpcId', 'subnetIds', 'securityGroupIds',
];

/** Retention values CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const TOKEN = /^[a-z0-9][a-z0-9._-]{0,31}$/;
const ECR = /^\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const BUS_NAME = /^[A-Za-z0-9._-]{1,256}$/;

function tokens(key: string, value: unknown, fallback: readonly string[]): string[] {
  const items = list(key, value)?.map((s) => s.toLowerCase()) ?? [...fallback];
  if (items.length === 0) return invalid(key, 'at least one value', value);
  for (const t of items) if (!TOKEN.test(t)) invalid(key, 'names such as amd64 or linux', t);
  return [...new Set(items)];
}

function matching(key: string, value: unknown, re: RegExp, what: string): string | undefined {
  const s = optString(key, value);
  if (s !== undefined && !re.test(s)) return invalid(key, what, s);
  return s;
}

function project(value: unknown): string | undefined {
  const s = optString('defaultProject', value);
  if (s !== undefined && !isProjectPath(s)) return invalid('defaultProject', 'a lowercase repository path such as "library"', s);
  return s;
}

function inputPrefixOf(value: unknown): string {
  const p = optString('inputPrefix', value) ?? INPUT_PREFIX;
  const ok = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*\/$/.test(p) && !p.split('/').some((s) => s === '.' || s === '..');
  if (!ok) return invalid('inputPrefix', 'a relative key prefix ending with "/", such as "lists/"', value);
  for (const reserved of Object.values(KEY_PREFIXES)) {
    if (p.startsWith(reserved) || reserved.startsWith(p)) {
      return invalid('inputPrefix', `a prefix that does not overlap the pipeline's own "${reserved}"`, value);
    }
  }
  return p;
}

/**
 * Checks raw values and fills in defaults.
 *
 * @example
 * resolvePipelineConfig({ registries: ['docker.io'], jobs: '20' }).jobs; // 20
 */
export function resolvePipelineConfig(raw: PipelineConfigInput): PipelineConfig {
  const registries = (list('registries', raw.registries) ?? []).map((r) => normalizeRegistry('registries', r));
  if (registries.length === 0) {
    invalid('registries', 'a non-empty list of registries the validator may contact, e.g. ["docker.io","quay.io"]', raw.registries);
  }
  const host = (key: 'sourceRegistry' | 'destRegistry'): string | undefined => {
    const s = optString(key, raw[key]);
    return s === undefined ? undefined : normalizeRegistry(key, s);
  };
  const sourceRegistry = host('sourceRegistry');
  const destRegistry = host('destRegistry');
  const ecrRegistries = (list('ecrRegistries', raw.ecrRegistries) ?? []).map((r) => {
    const e = r.toLowerCase();
    return ECR.test(e) ? e : invalid('ecrRegistries', 'ECR hosts like 123456789012.dkr.ecr.eu-west-1.amazonaws.com', r);
  });
  const extra = [sourceRegistry, destRegistry, ...ecrRegistries].filter((x): x is string => x !== undefined);
  const validatorTimeoutSeconds = int('validatorTimeoutSeconds', raw.validatorTimeoutSeconds, VALIDATOR_TIMEOUT_SECONDS, 10, 900);
  const maxReceiveCount = int('maxReceiveCount', raw.maxReceiveCount, MAX_RECEIVE_COUNT, 1, 1000);
  const runDeadlineMinutes = int('runDeadlineMinutes', raw.runDeadlineMinutes, RUN_DEADLINE_MINUTES, 5, 10080);
  // A run must not be closed while its messages may still be redelivered.
  const retryWindowMinutes = Math.ceil((maxReceiveCount * 6 * validatorTimeoutSeconds) / 60);
  if (runDeadlineMinutes < retryWindowMinutes) {
    invalid('runDeadlineMinutes', `at least ${retryWindowMinutes} (maxReceiveCount x 6 x validatorTimeoutSeconds, the time a line may spend in retries)`, raw.runDeadlineMinutes ?? RUN_DEADLINE_MINUTES);
  }
  const inputPrefix = inputPrefixOf(raw.inputPrefix);
  const logRetentionDays = int('logRetentionDays', raw.logRetentionDays, DEFAULT_LOG_RETENTION_DAYS, 1, 3653);
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    invalid('logRetentionDays', `one of ${LOG_RETENTION_DAYS.join(', ')}`, raw.logRetentionDays);
  }
  return {
    ...(sourceRegistry ? { sourceRegistry } : {}),
    ...(destRegistry ? { destRegistry } : {}),
    registries,
    allowlist: expandAllowlist([...registries, ...extra]),
    arch: tokens('arch', raw.arch, DEFAULT_SETTINGS.arch),
    os: tokens('os', raw.os, DEFAULT_SETTINGS.os),
    defaultProject: project(raw.defaultProject) ?? DEFAULT_SETTINGS.defaultProject,
    deep: bool('deep', raw.deep, DEFAULT_SETTINGS.deep),
    attestations: bool('attestations', raw.attestations, DEFAULT_SETTINGS.attestations),
    signatures: bool('signatures', raw.signatures, DEFAULT_SETTINGS.signatures),
    jobs: int('jobs', raw.jobs, SERVERLESS_JOBS, 2, 1000),
    batchSize: int('batchSize', raw.batchSize, BATCH_SIZE, 1, 10),
    validatorTimeoutSeconds,
    maxReceiveCount,
    schedules: parseSchedules(raw.schedules, inputPrefix),
    ...optional('secretName', matching('secretName', raw.secretName, SECRET_NAME, 'a Secrets Manager secret name')),
    ecrRegistries,
    ...optional('notificationEmail', matching('notificationEmail', raw.notificationEmail, EMAIL, 'an e-mail address')),
    ...optional('eventBusName', matching('eventBusName', raw.eventBusName, BUS_NAME, 'an EventBridge bus name')),
    runDeadlineMinutes,
    runsRetentionDays: int('runsRetentionDays', raw.runsRetentionDays, RUNS_RETENTION_DAYS, 1, 3650),
    inputPrefix,
    logRetentionDays,
    tracing: bool('tracing', raw.tracing, false),
    allowInsecureTls: bool('allowInsecureTls', raw.allowInsecureTls, false),
    ...network(raw),
  };
}

/** `vpcId`, `subnetIds`, `securityGroupIds`: ids of the kind each names; the lists only with a VPC. */
function network(raw: PipelineConfigInput): Pick<PipelineConfig, 'vpcId' | 'subnetIds' | 'securityGroupIds'> {
  const vpcId = matching('vpcId', raw.vpcId, /^vpc-[0-9a-f]{8,17}$/, 'a VPC id such as vpc-0123456789abcdef0');
  const ids = (key: 'subnetIds' | 'securityGroupIds', re: RegExp, what: string): string[] => {
    const items = list(key, raw[key]) ?? [];
    for (const id of items) if (!re.test(id)) invalid(key, what, id);
    if (items.length > 0 && vpcId === undefined) invalid(key, 'to be set only together with vpcId', raw[key]);
    return items;
  };
  return {
    ...(vpcId ? { vpcId } : {}),
    subnetIds: ids('subnetIds', /^subnet-[0-9a-f]{8,17}$/, 'subnet ids such as subnet-0123456789abcdef0'),
    securityGroupIds: ids('securityGroupIds', /^sg-[0-9a-f]{8,17}$/, 'security group ids such as sg-0123456789abcdef0'),
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** Reads every key of `CONFIG_KEYS` from `scope`'s context; `props` values win. */
export function configFromContext(scope: Construct, props: PipelineConfigInput = {}): PipelineConfig {
  const raw: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) raw[key] = props[key] ?? (scope.node.tryGetContext(key) as unknown);
  return resolvePipelineConfig(raw);
}
