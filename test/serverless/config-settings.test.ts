import { describe, expect, it } from 'vitest';
import { readRuntimeConfig } from '../../lib/serverless/runtime-config.js';
import { resolveRunSettings } from '../../lib/serverless/run-settings.js';
import { DEFAULT_SETTINGS } from '../../lib/core/settings.js';

const base = {
  BUCKET: 'b', INPUT_PREFIX: 'lists/', QUEUE_URL: 'q', PROGRESS_QUEUE_URL: 'p', DLQ_URL: 'd', ALLOWLIST: 'Docker.io, ghcr.io',
  SECRET_ARN: 's', MAX_RECEIVE_COUNT: '4', EVENT_BUS_NAME: 'bus', EVENT_SOURCE: 'mirror-validate',
};

describe('readRuntimeConfig', () => {
  it('reads defaults and resources from the stack variables', () => {
    const c = readRuntimeConfig('validator', { ...base, ARCH: 'amd64', DEEP: 'true', SIGNATURES: 'true', DEST_REGISTRY: 'harbor.example.com' });
    expect(c.allowlist).toEqual(['docker.io', 'ghcr.io']);
    expect(c.maxReceiveCount).toBe(4);
    expect(c.defaults).toEqual({ ...DEFAULT_SETTINGS, arch: ['amd64'], deep: true, signatures: true, destRegistry: 'harbor.example.com' });
    expect(c.allowInsecureTls).toBe(false);
  });

  it('keeps the production registry backoff and list cap unless the optional tuning variables are set', () => {
    const plain = readRuntimeConfig('validator', base);
    expect(plain.registryRetry).toBeUndefined();
    expect(plain.maxListBytes).toBeUndefined();
    const tuned = readRuntimeConfig('validator', { ...base, REGISTRY_RETRY_BASE_MS: '2', REGISTRY_RETRY_MAX_MS: '20', MAX_LIST_BYTES: '4096' });
    expect(tuned.registryRetry).toEqual({ baseMs: 2, maxMs: 20 });
    expect(tuned.maxListBytes).toBe(4096);
  });

  it.each([
    ['splitter', 'QUEUE_URL'], ['validator', 'ALLOWLIST'], ['validator', 'SECRET_ARN'], ['aggregator', 'EVENT_BUS_NAME'], ['sweeper', 'DLQ_URL'],
  ] as const)('the %s fails naming a missing %s', (role, name) => {
    const env: Record<string, string> = { ...base };
    delete env[name];
    expect(() => readRuntimeConfig(role, env)).toThrow(new RegExp(`environment variable ${name} is not set`));
  });

  it.each([
    ['DEEP', 'yes', /DEEP: expected true or false/],
    ['MAX_RECEIVE_COUNT', '0', /MAX_RECEIVE_COUNT: expected a whole number from 1/],
    ['INPUT_PREFIX', 'lists', /INPUT_PREFIX: expected a prefix ending with "\/"/],
    ['ALLOWLIST', ' , ', /ALLOWLIST/],
    ['REGISTRY_RETRY_BASE_MS', '0', /REGISTRY_RETRY_BASE_MS: expected a whole number/],
    ['MAX_LIST_BYTES', '1.5', /MAX_LIST_BYTES: expected a whole number/],
  ])('rejects %s=%s', (name, value, message) => {
    expect(() => readRuntimeConfig('validator', { ...base, [name]: value })).toThrow(message);
  });
});

describe('resolveRunSettings', () => {
  const opts = { allowInsecureTls: false, origin: 'the S3 metadata of lists/a.txt' };

  it('applies metadata named like the CLI flags', () => {
    const s = resolveRunSettings(DEFAULT_SETTINGS, {
      source: 'mirror.gcr.io', destination: 'harbor.example.com:8443/proj', arch: 'AMD64, arm', os: 'linux',
      'default-project': 'team', deep: 'true', attestations: 'false', signatures: 'TRUE', 'tls-verify': 'true',
    }, opts);
    expect(s).toEqual({
      sourceRegistry: 'mirror.gcr.io', destRegistry: 'harbor.example.com:8443/proj', arch: ['amd64', 'arm'], os: ['linux'],
      defaultProject: 'team', deep: true, attestations: false, signatures: true, tlsVerify: true,
    });
  });

  it('accepts booleans and arrays from a schedule input', () => {
    expect(resolveRunSettings(DEFAULT_SETTINGS, { deep: true, arch: ['arm64'] }, opts)).toMatchObject({ deep: true, arch: ['arm64'] });
  });

  it.each([
    [{ defaultproject: 'x' }, /unknown run setting "defaultproject" in the S3 metadata of lists\/a.txt/],
    [{ deep: 'maybe' }, /invalid run setting "deep" .*expected true or false/],
    [{ signatures: 'yes' }, /invalid run setting "signatures" .*expected true or false/],
    [{ arch: '' }, /invalid run setting "arch"/],
    [{ destination: 'https://x' }, /invalid run setting "destination"/],
    [{ 'default-project': 'Team' }, /invalid run setting "default-project"/],
    [{ 'tls-verify': 'false' }, /"tls-verify=false" .* is not allowed by this stack/],
  ])('rejects %j', (overrides, message) => {
    expect(() => resolveRunSettings(DEFAULT_SETTINGS, overrides, opts)).toThrow(message);
  });

  it('lets tls-verify=false through only where the stack allows it', () => {
    expect(resolveRunSettings(DEFAULT_SETTINGS, { 'tls-verify': 'false' }, { ...opts, allowInsecureTls: true }).tlsVerify).toBe(false);
  });
});
