import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { expandAllowlist } from '../../lib/infra/allowlist.js';
import { configFromContext, resolvePipelineConfig, type PipelineConfigInput } from '../../lib/infra/config.js';
import { InfraError } from '../../lib/infra/errors.js';

const base = { registries: ['docker.io'] };

describe('resolvePipelineConfig: defaults', () => {
  it('fills in every default from one required key', () => {
    expect(resolvePipelineConfig(base)).toEqual({
      registries: ['docker.io'],
      allowlist: ['docker.io', 'registry-1.docker.io', 'auth.docker.io', 'production.cloudflare.docker.com'],
      arch: ['amd64', 'arm64'],
      os: ['linux', 'windows'],
      defaultProject: 'library',
      deep: false,
      attestations: false,
      signatures: false,
      jobs: 10,
      batchSize: 5,
      validatorTimeoutSeconds: 120,
      maxReceiveCount: 3,
      schedules: [],
      ecrRegistries: [],
      runDeadlineMinutes: 60,
      runsRetentionDays: 90,
      inputPrefix: 'lists/',
      logRetentionDays: 30,
      tracing: false,
      allowInsecureTls: false,
      subnetIds: [],
      securityGroupIds: [],
    });
  });

  it('accepts the string forms that `cdk -c key=value` produces', () => {
    const c = resolvePipelineConfig({
      registries: 'quay.io, Index.Docker.IO', jobs: '200', deep: 'true', arch: '["arm64"]', os: 'linux',
      schedules: '[{"name":"n1","listKey":"lists/a.txt","cron":"cron(0 3 * * ? *)"}]',
    });
    expect(c.registries).toEqual(['quay.io', 'docker.io']);
    expect(c.jobs).toBe(200);
    expect(c.deep).toBe(true);
    expect(c.arch).toEqual(['arm64']);
    expect(c.os).toEqual(['linux']);
    expect(c.schedules).toEqual([{ name: 'n1', listKey: 'lists/a.txt', cron: 'cron(0 3 * * ? *)' }]);
  });

  it('wraps six bare cron fields and keeps rate() expressions', () => {
    const c = resolvePipelineConfig({
      ...base,
      schedules: [
        { name: 'a', listKey: 'lists/a', cron: '0 2 * * ? *', timezone: 'Europe/Berlin' },
        { name: 'b', listKey: 'lists/b', cron: 'rate(6 hours)' },
      ],
    });
    expect(c.schedules.map((s) => s.cron)).toEqual(['cron(0 2 * * ? *)', 'rate(6 hours)']);
    expect(c.schedules[0]?.timezone).toBe('Europe/Berlin');
  });

  it('adds source, destination and ECR registries to the allowlist', () => {
    const c = resolvePipelineConfig({
      registries: ['ghcr.io'], sourceRegistry: 'quay.io', destRegistry: 'harbor.example.com:8443',
      ecrRegistries: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    });
    expect(c.allowlist).toEqual([
      'ghcr.io', 'pkg-containers.githubusercontent.com', 'quay.io', 'cdn01.quay.io', 'cdn02.quay.io', 'cdn03.quay.io',
      'harbor.example.com:8443', '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    ]);
  });

  it('reads context and lets props win', () => {
    const app = new App({ context: { registries: ['quay.io'], jobs: 7, batchSize: 2 } });
    const c = configFromContext(app, { jobs: 30 });
    expect(c.registries).toEqual(['quay.io']);
    expect(c.jobs).toBe(30);
    expect(c.batchSize).toBe(2);
  });
});

describe('resolvePipelineConfig: errors name the key', () => {
  it.each<[string, PipelineConfigInput, RegExp]>([
    ['missing registries', {}, /"registries": expected a non-empty list/],
    ['empty registries', { registries: [] }, /"registries"/],
    ['bad registry host', { registries: ['https://docker.io'] }, /"registries": expected a registry host/],
    ['bad port', { registries: ['r.example.com:99999'] }, /"registries": expected a port/],
    ['jobs below SQS minimum', { ...base, jobs: 1 }, /"jobs": expected a whole number from 2 to 1000, got 1/],
    ['jobs above SQS maximum', { ...base, jobs: '1001' }, /"jobs".*got "1001"/],
    ['jobs not a number', { ...base, jobs: 'ten' }, /"jobs"/],
    ['batchSize above 10', { ...base, batchSize: 11 }, /"batchSize": expected a whole number from 1 to 10/],
    ['timeout above Lambda max', { ...base, validatorTimeoutSeconds: 901 }, /"validatorTimeoutSeconds"/],
    ['deadline shorter than retries', { ...base, validatorTimeoutSeconds: 900, runDeadlineMinutes: 60 }, /"runDeadlineMinutes": expected at least 270/],
    ['deep not boolean', { ...base, deep: 'yes' }, /"deep": expected true or false/],
    ['empty arch', { ...base, arch: [] }, /"arch": expected at least one value/],
    ['bad arch token', { ...base, arch: ['AMD 64'] }, /"arch"/],
    ['input prefix without slash', { ...base, inputPrefix: 'lists' }, /"inputPrefix"/],
    ['input prefix overlapping runs/', { ...base, inputPrefix: 'runs/in/' }, /"inputPrefix".*"runs\/"/],
    ['input prefix with ..', { ...base, inputPrefix: 'a/../' }, /"inputPrefix"/],
    ['schedules not an array', { ...base, schedules: '{}' }, /"schedules": expected a JSON array/],
    ['schedules bad JSON', { ...base, schedules: '[{' }, /"schedules": not valid JSON/],
    ['schedule outside input prefix', { ...base, schedules: [{ name: 'a', listKey: 'other/a', cron: 'rate(1 day)' }] }, /"schedules\[0\]\.listKey"/],
    ['schedule bad cron', { ...base, schedules: [{ name: 'a', listKey: 'lists/a', cron: '0 2 * * *' }] }, /"schedules\[0\]\.cron": expected a cron expression with 6 fields/],
    ['duplicate schedule', { ...base, schedules: [{ name: 'a', listKey: 'lists/a', cron: 'rate(1 day)' }, { name: 'a', listKey: 'lists/b', cron: 'rate(1 day)' }] }, /"schedules\[1\]\.name"/],
    ['unknown schedule key', { ...base, schedules: [{ name: 'a', listKey: 'lists/a', cron: 'rate(1 day)', list: 'x' }] }, /only name, listKey, cron and timezone/],
    ['not an ECR host', { ...base, ecrRegistries: ['ecr.example.com'] }, /"ecrRegistries"/],
    ['bad e-mail', { ...base, notificationEmail: 'ops' }, /"notificationEmail"/],
    ['bad log retention', { ...base, logRetentionDays: 2 }, /"logRetentionDays": expected one of/],
    ['secret name type', { ...base, secretName: 42 }, /"secretName": expected a string/],
    ['bad VPC id', { ...base, vpcId: 'my-vpc' }, /"vpcId": expected a VPC id/],
    ['subnets without a VPC', { ...base, subnetIds: ['subnet-0123456789abcdef0'] }, /"subnetIds": expected to be set only together with vpcId/],
    ['bad subnet id', { ...base, vpcId: 'vpc-0123456789abcdef0', subnetIds: 'sg-0123456789abcdef0' }, /"subnetIds": expected subnet ids/],
    ['security groups without a VPC', { ...base, securityGroupIds: ['sg-0123456789abcdef0'] }, /"securityGroupIds": expected to be set only together/],
    ['allowInsecureTls not boolean', { ...base, allowInsecureTls: 'yes' }, /"allowInsecureTls": expected true or false/],
  ])('%s', (_label, input, message) => {
    let thrown: unknown;
    try {
      resolvePipelineConfig(input);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InfraError);
    expect((thrown as InfraError).code).toBe('INVALID_CONFIG');
    expect((thrown as InfraError).message).toMatch(message);
  });
});

describe('expandAllowlist', () => {
  it('adds Docker Hub hosts once and keeps wildcard entries', () => {
    expect(expandAllowlist(['docker.io', '*.pkg.dev', 'docker.io'])).toEqual([
      'docker.io', 'registry-1.docker.io', 'auth.docker.io', 'production.cloudflare.docker.com', '*.pkg.dev',
    ]);
  });
});
