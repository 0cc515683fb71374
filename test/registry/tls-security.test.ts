import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, type RegistryClientOptions } from '../../lib/registry/client.js';
import { isInternalAddress } from '../../lib/registry/security.js';
import { generateTestPki, type TestPki } from '../../testbed/certs.js';
import { DOCKER_V2, FAST, manifestBytes, refOn, sendError, sendManifest, sha256, startFake, type FakeServer } from './fake-server.js';

const bytes = manifestBytes();
let pki: TestPki;
let dir: string;
const servers: FakeServer[] = [];
const clients: RegistryClient[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mv-tls-'));
  pki = await generateTestPki(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const registryHandler: Parameters<typeof startFake>[0] = (req, res) => {
  if (req.url === '/v2/') return void res.writeHead(200).end('{}');
  sendManifest(req, res, bytes, DOCKER_V2);
};

async function server(tls: boolean, handler = registryHandler): Promise<FakeServer> {
  const s = await startFake(handler, tls ? { key: pki.serverKeyPem, cert: pki.serverCertPem } : undefined);
  servers.push(s);
  return s;
}

function client(opts: Partial<RegistryClientOptions> & { tlsVerify: boolean }): RegistryClient {
  const c = new RegistryClient({ ...FAST, ...opts });
  clients.push(c);
  return c;
}

describe('TLS', () => {
  it('an untrusted certificate with tlsVerify=true is TLS with a hint, and nothing is served', async () => {
    const s = await server(true);
    const err = await client({ tlsVerify: true }).reader().headManifest(refOn(s), 'v1').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TLS', message: expect.stringContaining('--tls-verify=false') });
    expect(s.requests).toHaveLength(0);
  });

  it('the CA option makes the same registry trusted', async () => {
    const s = await server(true);
    expect(await client({ tlsVerify: true, ca: pki.caPem }).reader().headManifest(refOn(s), 'v1')).not.toBeNull();
  });

  it('tlsVerify=false accepts the certificate and stays on HTTPS', async () => {
    const s = await server(true);
    const lines: string[] = [];
    expect(await client({ tlsVerify: false, debug: (l) => lines.push(l) }).reader().headManifest(refOn(s), 'v1')).not.toBeNull();
    expect(lines.some((l) => l.startsWith(`HEAD https://${s.host}/`))).toBe(true);
    expect(lines.join('\n')).not.toContain('falling back');
  });

  it('tlsVerify=false falls back to plain HTTP and remembers it', async () => {
    const s = await server(false);
    const lines: string[] = [];
    const reader = client({ tlsVerify: false, debug: (l) => lines.push(l) }).reader();
    expect(await reader.headManifest(refOn(s), 'v1')).not.toBeNull();
    expect(await reader.headManifest(refOn(s), 'v2')).not.toBeNull();
    expect(lines.filter((l) => l.includes('falling back to plain HTTP'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('HEAD http://'))).toHaveLength(2);
  });

  it('a plain-HTTP registry with tlsVerify=true is TLS, not a fallback', async () => {
    const s = await server(false);
    await expect(client({ tlsVerify: true }).reader().headManifest(refOn(s), 'v1')).rejects.toMatchObject({ code: 'TLS' });
    expect(s.requests).toHaveLength(0);
  });

  it('refuses a non-https token realm on an https registry', async () => {
    const s = await server(true, (_req, res) => sendError(res, 401, 'UNAUTHORIZED', {
      'www-authenticate': 'Bearer realm="http://127.0.0.1:9/token",service="x"',
    }));
    await expect(client({ tlsVerify: true, ca: pki.caPem }).reader().headManifest(refOn(s), 'v1'))
      .rejects.toMatchObject({ code: 'AUTH', message: expect.stringContaining('non-https token realm') });
  });
});

describe('allowlist and internal addresses', () => {
  it('a registry off the allowlist is refused without any request', async () => {
    const s = await server(false);
    const err = await client({ tlsVerify: false, allowlist: ['registry.example.com'] }).reader().getManifest(refOn(s), 'v1')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_ALLOWED' });
    expect(s.requests).toHaveLength(0);
  });

  it('a listed registry works', async () => {
    const s = await server(false);
    expect(await client({ tlsVerify: false, allowlist: [s.host], allowLoopback: true }).reader().getManifest(refOn(s), 'v1')).not.toBeNull();
  });

  it('a token realm resolving to the metadata address is refused before it is contacted', async () => {
    const s = await server(false, (_req, res) => sendError(res, 401, 'UNAUTHORIZED', {
      'www-authenticate': 'Bearer realm="http://metadata.test/token",service="x"',
    }));
    const resolved: string[] = [];
    const resolver = async (host: string): Promise<string[]> => { resolved.push(host); return ['169.254.169.254']; };
    await expect(client({ tlsVerify: false, allowlist: [s.host], allowLoopback: true, resolver }).reader().headManifest(refOn(s), 'v1'))
      .rejects.toMatchObject({ code: 'NOT_ALLOWED' });
    expect(resolved).toEqual(['metadata.test']);
  });

  it('a redirect to a loopback host is refused in allowlist mode', async () => {
    const target = await server(false);
    const s = await server(false, (req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end();
      res.writeHead(307, { location: `http://localhost:${target.host.split(':')[1]}/x` }).end();
    });
    const resolver = async (): Promise<string[]> => ['127.0.0.1'];
    await expect(client({ tlsVerify: false, allowlist: [s.host], allowLoopback: true, resolver }).reader().getBlob(refOn(s), sha256('x')))
      .rejects.toMatchObject({ code: 'NOT_ALLOWED' });
    expect(target.requests).toHaveLength(0);
  });

  it.each([
    ['127.0.0.1', true], ['10.1.2.3', true], ['172.20.0.1', true], ['192.168.1.1', true], ['169.254.169.254', true],
    ['100.64.0.1', true], ['0.0.0.0', true], ['::1', true], ['fe80::1', true], ['fd00::1', true], ['::ffff:127.0.0.1', true],
    ['8.8.8.8', false], ['52.94.1.1', false], ['2606:4700::1111', false], ['not-an-ip', true],
  ])('isInternalAddress(%s) = %s', (addr, internal) => {
    expect(isInternalAddress(addr)).toBe(internal);
  });
});
