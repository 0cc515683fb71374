/**
 * The address rules applied to the connections themselves (allowlist mode), with a resolver the
 * test controls (no real DNS): a rebinding answer between the early check and the connection is
 * caught; a registry on the allowlist may not resolve to loopback or link-local; private
 * addresses only for hosts named explicitly. Also the redirect rules: a credential-bearing POST
 * is never re-sent to another origin, and only the registry itself can prove absence.
 */
import { describe, expect, it } from 'vitest';
import { RegistryClient, type RegistryClientOptions } from '../../lib/registry/client.js';
import { Guard } from '../../lib/registry/security.js';
import {
  closedAfterEach, DOCKER_V2, FAST, manifestBytes, refOn, sendError, sendManifest, sha256, startFake, type FakeServer, type Handler,
} from './fake-server.js';

const bytes = manifestBytes();
const track = closedAfterEach();
const server = async (handler: Handler): Promise<FakeServer> => track.server(await startFake(handler));
const client = (opts: Partial<RegistryClientOptions>): RegistryClient => track.client(new RegistryClient({ ...FAST, tlsVerify: false, ...opts }));
const port = (s: FakeServer) => s.host.split(':')[1]!;

/** A registry whose Bearer realm is `realm`; with a token it serves every manifest. */
function bearerRegistry(realm: () => string): Handler {
  return (req, res) => {
    if (!req.headers.authorization) {
      return sendError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': `Bearer realm="${realm()}",service="reg"` });
    }
    sendManifest(req, res, bytes, DOCKER_V2);
  };
}
const tokenServer: Handler = (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t"}');
/** Answers a public address first, then `then` (a DNS rebinding). */
function rebinding(then: string): () => Promise<string[]> {
  let calls = 0;
  return async () => (calls++ === 0 ? ['93.184.216.34'] : [then]);
}

describe('address rules (Guard)', () => {
  const g = new Guard({ allowlist: ['harbor.corp', 'reg.corp:5000', '*.pkg.test'] });
  it.each([
    ['harbor.corp', 443, '10.1.2.3', true],
    ['harbor.corp', 8443, 'fd00::5', true],
    ['reg.corp', 5000, '192.168.1.1', true],
    ['reg.corp', 443, '192.168.1.1', false],
    ['eu.pkg.test', 443, '10.0.0.1', false],
    ['eu.pkg.test', 443, '34.1.2.3', true],
    ['harbor.corp', 443, '169.254.169.254', false],
    ['harbor.corp', 443, '127.0.0.1', false],
    ['harbor.corp', 443, '::ffff:7f00:1', false],
    ['harbor.corp', 443, '64:ff9b::a9fe:a9fe', false],
    ['harbor.corp', 443, '0.0.0.0', false],
    ['auth.other', 443, '10.1.2.3', false],
  ])('%s:%i -> %s allowed: %s', (host, p, address, allowed) => {
    expect(g.refusal(host, p, address) === undefined).toBe(allowed);
  });

  it('loopback only for explicit hosts, and only when asked (test stands); link-local never', () => {
    const stand = new Guard({ allowlist: ['harbor.corp'], loopback: true });
    expect(stand.refusal('harbor.corp', 443, '127.0.0.1')).toBeUndefined();
    expect(stand.refusal('other.corp', 443, '127.0.0.1')).toMatch(/loopback 127\.0\.0\.1/);
    expect(stand.refusal('harbor.corp', 443, '169.254.170.2')).toMatch(/link-local/);
    expect(new Guard({}).refusal('x', 1, '127.0.0.1')).toBeUndefined();
  });
});

describe('connections are checked on the address they connect to', () => {
  it('a token realm that rebinds to loopback after the early check is refused at connection time', async () => {
    const realm = await server(tokenServer);
    const reg = await server(bearerRegistry(() => `http://localhost:${port(realm)}/token`));
    const c = client({ allowlist: [reg.host], allowLoopback: true, resolver: rebinding('127.0.0.1') });
    await expect(c.reader().headManifest(refOn(reg), 'v1')).rejects.toMatchObject({
      code: 'NOT_ALLOWED', message: expect.stringMatching(/token realm host localhost resolves to an internal address \(loopback 127\.0\.0\.1\)/),
    });
    expect(realm.requests).toHaveLength(0);
  });

  it('a redirect target that rebinds to loopback is refused at connection time', async () => {
    const target = await server((_req, res) => void res.writeHead(200).end('x'));
    const reg = await server((req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end('{}');
      res.writeHead(307, { location: `http://localhost:${port(target)}/blob` }).end();
    });
    const c = client({ allowlist: [reg.host], allowLoopback: true, resolver: rebinding('127.0.0.1') });
    await expect(c.reader().getBlob(refOn(reg), sha256('x'))).rejects.toMatchObject({
      code: 'NOT_ALLOWED', message: expect.stringMatching(/redirect target host localhost resolves to an internal address/),
    });
    expect(target.requests).toHaveLength(0);
  });

  it.each([['169.254.169.254', 'link-local'], ['127.0.0.1', 'loopback']])(
    'a registry named explicitly on the allowlist may not resolve to %s (%s)', async (address, cls) => {
      const reg = await server(bearerRegistry(() => 'http://unused/token'));
      const name = `registry.test:${port(reg)}`;
      const c = client({ allowlist: [name], resolver: async () => [address] });
      const err = await c.reader().headManifest({ registry: name, repository: 'team/app' }, 'v1').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'NOT_ALLOWED', message: expect.stringContaining(`(${cls} ${address})`) });
      expect(reg.requests).toHaveLength(0);
    });

  it('a private address through a *.domain entry is refused before any connection', async () => {
    const resolved: string[] = [];
    const c = client({ allowlist: ['*.corp.test'], resolver: async (h) => { resolved.push(h); return ['10.0.0.7']; } });
    await expect(c.reader().headManifest({ registry: 'harbor.corp.test', repository: 'a/b' }, 'v1')).rejects.toMatchObject({
      code: 'NOT_ALLOWED', message: expect.stringMatching(/private 10\.0\.0\.7, and the host is not named explicitly/),
    });
    expect(resolved.length).toBeGreaterThan(0);
  });

  it('an explicitly listed registry on an internal address with its realm on its own host works (Harbor in a VPC)', async () => {
    let self = '';
    const reg = await server((req, res) => {
      if (req.url?.startsWith('/token')) return tokenServer(req, res);
      return bearerRegistry(() => `http://${self}/token`)(req, res);
    });
    self = reg.host;
    const head = await client({ allowlist: [reg.host], allowLoopback: true }).reader().headManifest(refOn(reg), 'v1');
    expect(head?.digest).toBe(sha256(bytes));
    expect(reg.count('/token')).toBe(1);
  });

  it('a realm on another host named explicitly on the allowlist works too', async () => {
    const realm = await server(tokenServer);
    const reg = await server(bearerRegistry(() => `http://${realm.host}/token`));
    const head = await client({ allowlist: [reg.host, realm.host], allowLoopback: true }).reader().headManifest(refOn(reg), 'v1');
    expect(head?.digest).toBe(sha256(bytes));
  });
});

describe('redirects', () => {
  it.each([307, 308])('a refresh-token POST redirected (%i) to another origin is not followed', async (status) => {
    const other = await server(tokenServer);
    const realm = await server((_req, res) => void res.writeHead(status, { location: `${other.url}/token` }).end());
    const reg = await server(bearerRegistry(() => `${realm.url}/token`));
    const c = client({ credentials: async () => ({ identityToken: 'refresh-secret' }) });
    await expect(c.reader().headManifest(refOn(reg), 'v1')).rejects.toMatchObject({
      code: 'AUTH', message: expect.stringMatching(/redirected a credential-bearing POST to http:\/\/127\.0\.0\.1:\d+ \(30[78]\); not followed/),
    });
    expect(realm.count('/token', 'POST')).toBe(1);
    expect(other.requests).toHaveLength(0);
  });

  it('a Basic-auth token request redirected to another origin arrives there without credentials', async () => {
    const other = await server(tokenServer);
    const realm = await server((_req, res) => void res.writeHead(307, { location: `${other.url}/token` }).end());
    const reg = await server(bearerRegistry(() => `${realm.url}/token`));
    const c = client({ credentials: async () => ({ username: 'u', password: 'p' }) });
    expect(await c.reader().headManifest(refOn(reg), 'v1')).not.toBeNull();
    expect(realm.requests[0]!.headers.authorization).toMatch(/^Basic /);
    expect(other.requests.map((r) => r.headers.authorization)).toEqual([undefined]);
  });

  it('a 404 from another origin after a redirect is NETWORK, never "does not exist"', async () => {
    const other = await server((_req, res) => sendError(res, 404, 'MANIFEST_UNKNOWN'));
    const reg = await server((req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end('{}');
      if (req.url?.includes('/same/')) return sendError(res, 404, 'MANIFEST_UNKNOWN');
      if (req.url?.includes('/manifests/here')) return void res.writeHead(307, { location: '/v2/team/app/same/x' }).end();
      res.writeHead(307, { location: `${other.url}${req.url}` }).end();
    });
    const reader = client({}).reader();
    await expect(reader.getManifest(refOn(reg), 'v1')).rejects.toMatchObject({
      code: 'NETWORK', message: expect.stringMatching(/redirected to http:\/\/127\.0\.0\.1:\d+, which answered 404; only the registry itself/),
    });
    await expect(reader.headBlob(refOn(reg), sha256('b'))).rejects.toMatchObject({ code: 'NETWORK' });
    expect(await reader.getManifest(refOn(reg), 'here')).toBeNull(); // a same-origin redirect still proves absence
  });
});
