/**
 * SSRF rules of the registry allowlist (the serverless validator's mode), proven with
 * listeners that record every request: a non-allowlisted registry is refused before any
 * request; token realms that resolve to loopback or link-local addresses are refused; a
 * secure registry's realm must be https. The proxy serves HTTPS with its own test CA in front
 * of the real token registry and rewrites the realm of its challenges.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../lib/core/settings.js';
import type { LineResult } from '../../lib/core/types.js';
import { generateTestPki, type TestPki } from '../../testbed/certs.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../helpers/fault-proxy.js';
import { scenario } from '../../testbed/scenarios.js';
import { FAST_RETRY, faultChecker, workItems } from './fault-kit.js';
import { tempDir } from './spawn-cli.js';

const regs = inject('registries');
const pub = scenario(inject('scenarios'), 'token-public-source');
const SECURE = { ...DEFAULT_SETTINGS, tlsVerify: true };

let pki: TestPki;
let proxy: FaultProxy;
/** `public/…` on the token registry, read anonymously, through the HTTPS proxy, on both sides. */
let line: string;

async function validate(text: string, rules: readonly FaultRule[], allowlist?: string[]): Promise<LineResult> {
  proxy.setRules(rules);
  // The proxy is on loopback, so it is allowlisted as a test stand (allowLoopback): only the host:port named explicitly.
  const v = faultChecker({
    settings: SECURE, ca: `${regs.caPem}\n${pki.caPem}`, retry: FAST_RETRY, ...(allowlist ? { allowlist, allowLoopback: true } : {}),
  });
  try {
    const [r] = await Promise.all(workItems([text], SECURE).map((item) => v.validate(item)));
    return r!;
  } finally {
    await v.close();
  }
}
const realm = (url: string): FaultRule[] => [{ path: /^\/v2\//, fault: { kind: 'realm', realm: url } }];

beforeAll(async () => {
  pki = await generateTestPki(path.join(await tempDir()));
  proxy = await startFaultProxy({
    upstream: regs.token.url, upstreamCa: regs.caPem, tls: { key: pki.serverKeyPem, cert: pki.serverCertPem },
  });
  const repo = pub.listLine.split(' ')[0]!.split('/').slice(1).join('/');
  line = `${proxy.host}/${repo} ${proxy.host}/${repo} ${pub.tag}`;
}, 60_000);
afterAll(async () => proxy?.close());

describe('allowlist', () => {
  it('control: the proxied token registry PASSes without the allowlist; with it, its real loopback realm is refused', async () => {
    const r = await validate(line, [], [proxy.host]);
    expect(r, r.message).toMatchObject({ status: 'ERROR', code: 'NOT_ALLOWED' }); // its real realm (127.0.0.1) is loopback: refused under the allowlist
    expect(r.message).toMatch(/token realm host 127\.0\.0\.1 resolves to an internal address/);
    const open = await validate(line, []);
    expect(open.status, open.message).toBe('PASS');
    expect(proxy.count()).toBeGreaterThan(0);
  });

  it('a registry not on the allowlist is refused before any request is made', async () => {
    const r = await validate(line, [], ['registry.example.com']);
    expect(r).toMatchObject({ status: 'ERROR', code: 'NOT_ALLOWED' });
    expect(r.message).toMatch(/not on the allowlist/);
    expect(proxy.total()).toBe(0);
  });

  it('a list line naming 169.254.169.254 is refused, with no request anywhere', async () => {
    const r = await validate('169.254.169.254/x y 1', [], [proxy.host]);
    expect(r).toMatchObject({ status: 'ERROR', code: 'NOT_ALLOWED' });
    expect(r.message).toMatch(/not on the allowlist/);
    expect(r.requests).toEqual({}); // not one request of any kind
    expect(proxy.total()).toBe(0);
  });

  it('a 169.254.169.254 source is refused even when the destination is allowed', async () => {
    const dest = line.split(' ')[1]!;
    const r = await validate(`169.254.169.254/latest/meta-data ${dest} ${pub.tag}`, [], [proxy.host]);
    expect(r).toMatchObject({ status: 'ERROR', code: 'NOT_ALLOWED' });
    expect(r.requests?.manifestHead ?? 0).toBe(0); // the source HEAD was never sent
    expect(proxy.count('HEAD')).toBe(0);
  });
});

describe('token realms', () => {
  it('a realm on a loopback host is refused under the allowlist (and would be contacted without it)', async () => {
    const target = `https://${proxy.foreignHost}/token`;
    const refused = await validate(line, realm(target), [proxy.host]);
    expect(refused).toMatchObject({ status: 'ERROR', code: 'NOT_ALLOWED' });
    expect(refused.message).toMatch(/token realm host 127\.0\.0\.1 resolves to an internal address/);
    expect(proxy.foreignHits).toEqual([]);
    const open = await validate(line, realm(target));
    expect(open).toMatchObject({ status: 'ERROR', code: 'AUTH' }); // the fake realm answers 404: AUTH, never PASS
    expect(proxy.foreignHits.length).toBeGreaterThan(0);
  });

  it('a realm on a link-local address (169.254.169.254) is refused under the allowlist', async () => {
    const r = await validate(line, realm('https://169.254.169.254/latest/api/token'), [proxy.host]);
    expect(r).toMatchObject({ status: 'ERROR', code: 'NOT_ALLOWED' });
    expect(r.message).toMatch(/169\.254\.169\.254 resolves to an internal address/);
  });

  it('a secure registry\'s realm must be https', async () => {
    const r = await validate(line, realm(`http://${proxy.foreignHost}/token`));
    expect(r).toMatchObject({ status: 'ERROR', code: 'AUTH' });
    expect(r.message).toMatch(/refusing non-https token realm/);
    expect(proxy.foreignHits).toEqual([]);
  });
});
