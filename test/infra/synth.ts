/**
 * Test helper: synthesize a `MirrorValidateStack` with the context shipped in `cdk.json`,
 * plus overrides, the way `cdk synth` would (real esbuild bundling of the Lambda entries).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { findRepoRoot } from '../../lib/infra/paths.js';
import { MirrorValidateStack } from '../../lib/infra/stack.js';

/** Synthesis bundles four functions with esbuild: allow for a busy machine. */
export const SYNTH_TIMEOUT_MS = 120_000;

export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

/** The `context` object of the repository's cdk.json. */
export function shippedContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return { ...(cdkJson.context ?? {}) };
}

export interface Synthesized {
  readonly app: App;
  readonly stack: MirrorValidateStack;
  readonly template: Template;
}

const cache = new Map<string, Synthesized>();

/**
 * A stack built from cdk.json context with `overrides` applied on top (as `-c` would).
 * Memoized per overrides within a test file: synthesis bundles four functions.
 */
export function synthStack(overrides: Record<string, unknown> = {}): Synthesized {
  const key = JSON.stringify(overrides);
  const hit = cache.get(key);
  if (hit) return hit;
  const made = build(overrides);
  cache.set(key, made);
  return made;
}

function build(overrides: Record<string, unknown>): Synthesized {
  const app = new App({ context: { ...shippedContext(), ...overrides } });
  const stack = new MirrorValidateStack(app, 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  return { app, stack, template: Template.fromStack(stack) };
}

/** Overrides that switch on every optional part of the stack. */
export const FULL_OVERRIDES: Record<string, unknown> = {
  jobs: '50',
  batchSize: 10,
  validatorTimeoutSeconds: 300,
  maxReceiveCount: 4,
  runDeadlineMinutes: 180,
  runsRetentionDays: 30,
  sourceRegistry: 'docker.io',
  destRegistry: 'harbor.example.com',
  arch: 'amd64',
  deep: 'true',
  schedules: JSON.stringify([
    { name: 'nightly', listKey: 'lists/nightly.txt', cron: '0 2 * * ? *', timezone: 'Europe/Berlin' },
    { name: 'hourly', listKey: 'lists/core.txt', cron: 'rate(1 hour)' },
  ]),
  secretName: 'mirror-validate/creds',
  ecrRegistries: ['123456789012.dkr.ecr.eu-west-1.amazonaws.com'],
  notificationEmail: 'ops@example.com',
  eventBusName: 'mirror-events',
  tracing: true,
  allowInsecureTls: 'true',
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
  securityGroupIds: 'sg-0ccccccccccccccc3',
};
