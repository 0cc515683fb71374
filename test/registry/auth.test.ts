import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { newRequestStats, RegistryClient, type Credential } from '../../lib/registry/client.js';
import { RegistryError } from '../../lib/registry/errors.js';
import { DOCKER_V2, FAST, manifestBytes, refOn, sendError, sendManifest, startFake, type FakeServer } from './fake-server.js';

interface TokenOpts {
  /** Body of the token response (default `{token, expires_in: 300}`). */
  body?: (n: number) => Record<string, unknown>;
  /** Required Basic credentials on the token endpoint. */
  basic?: string;
  /** Registry always answers insufficient_scope. */
  insufficient?: boolean;
}

/** A registry with a Bearer challenge and its token endpoint on the same server. */
async function tokenRegistry(o: TokenOpts = {}): Promise<FakeServer & { tokenQueries: URLSearchParams[] }> {
  const bytes = manifestBytes();
  const tokenQueries: URLSearchParams[] = [];
  let issued = 0;
  const server = await startFake(() => undefined);
  const challenge = (extra = ''): string => `Bearer realm="${server.url}/token",service="fake"${extra}`;
  server.handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', server.url);
    if (url.pathname === '/v2/') return sendError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': challenge() });
    if (url.pathname === '/token') {
      tokenQueries.push(url.searchParams);
      if (o.basic !== undefined && req.headers.authorization !== `Basic ${Buffer.from(o.basic).toString('base64')}`) {
        return sendError(res, 401, 'UNAUTHORIZED');
      }
      issued++;
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(o.body ? o.body(issued) : { token: `tok-${issued}`, expires_in: 300 }));
    }
    const auth = req.headers.authorization ?? '';
    if (o.insufficient || !auth.startsWith('Bearer tok-')) {
      const extra = o.insufficient ? ',error="insufficient_scope",scope="repository:team/app:pull"' : ',scope="repository:team/app:pull"';
      return sendError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': challenge(extra) });
    }
    return sendManifest(req, res, bytes, DOCKER_V2);
  };
  return Object.assign(server, { tokenQueries });
}

const servers: FakeServer[] = [];
const clients: RegistryClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function client(credentials?: Credential): RegistryClient {
  const c = new RegistryClient({ tlsVerify: false, ...FAST, ...(credentials ? { credentials: async () => credentials } : {}) });
  clients.push(c);
  return c;
}

describe('bearer token flow', () => {
  it('fetches an anonymous token with service and scope, then caches it', async () => {
    const reg = await tokenRegistry();
    servers.push(reg);
    const stats = newRequestStats();
    const reader = client().reader(stats);
    expect(await reader.headManifest(refOn(reg), 'v1')).toMatchObject({ mediaType: DOCKER_V2 });
    expect(await reader.headManifest(refOn(reg), 'v2')).not.toBeNull();
    expect(reg.count('/token')).toBe(1);
    expect(reg.requests.filter((r) => r.path === '/v2/')).toHaveLength(1);
    expect(reg.tokenQueries[0]?.get('service')).toBe('fake');
    expect(reg.tokenQueries[0]?.getAll('scope')).toEqual(['repository:team/app:pull']);
    const tokenReq = reg.requests.find((r) => r.path.startsWith('/token'));
    expect(tokenReq?.headers.authorization).toBeUndefined();
    // ping: the failed HTTPS probe (tlsVerify=false falls back to HTTP) and the HTTP ping.
    expect(stats.counts).toMatchObject({ token: 1, ping: 2, manifestHead: 2 });
  });

  it('sends Basic credentials to the token endpoint', async () => {
    const reg = await tokenRegistry({ basic: 'alice:s3cret' });
    servers.push(reg);
    const head = await client({ username: 'alice', password: 's3cret' }).reader().headManifest(refOn(reg), 'v1');
    expect(head).not.toBeNull();
    expect(reg.count('/token')).toBe(1);
  });

  it('reports rejected credentials as AUTH without leaking the password', async () => {
    const reg = await tokenRegistry({ basic: 'alice:s3cret' });
    servers.push(reg);
    const err = await client({ username: 'alice', password: 'wrong-pass' }).reader().headManifest(refOn(reg), 'v1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).code).toBe('AUTH');
    expect((err as Error).message).not.toContain('wrong-pass');
  });

  it('accepts access_token alone (Azure)', async () => {
    const reg = await tokenRegistry({ body: (n) => ({ access_token: `tok-${n}` }) });
    servers.push(reg);
    expect(await client().reader().getManifest(refOn(reg), 'v1')).not.toBeNull();
    const sent = reg.requests.find((r) => r.path.startsWith('/v2/team/app'));
    expect(sent?.headers.authorization).toBe('Bearer tok-1');
  });

  it.each([
    ['missing expires_in', (n: number) => ({ token: `tok-${n}` })],
    ['expires_in below 60 s', (n: number) => ({ token: `tok-${n}`, expires_in: 3 })],
  ])('treats %s as 60 s and keeps the token cached', async (_name, body) => {
    const reg = await tokenRegistry({ body });
    servers.push(reg);
    const reader = client().reader();
    for (const tag of ['a', 'b', 'c']) expect(await reader.headManifest(refOn(reg), tag)).not.toBeNull();
    expect(reg.count('/token')).toBe(1);
  });

  it('rejects a token response without any token as AUTH', async () => {
    const reg = await tokenRegistry({ body: () => ({ expires_in: 300 }) });
    servers.push(reg);
    await expect(client().reader().headManifest(refOn(reg), 'v1')).rejects.toMatchObject({ code: 'AUTH' });
  });

  it('single-flights 20 concurrent requests into one ping and one token', async () => {
    const reg = await tokenRegistry();
    servers.push(reg);
    const c = client();
    const stats = newRequestStats();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => c.reader(stats).headManifest(refOn(reg), `t${i}`)));
    expect(results.every((r) => r !== null)).toBe(true);
    expect(reg.count('/token')).toBe(1);
    expect(reg.requests.filter((r) => r.path === '/v2/')).toHaveLength(1);
    expect(stats.counts.ping).toBe(2); // HTTPS probe + HTTP ping
    expect(stats.counts.token).toBe(1);
  });

  it('on insufficient_scope fetches a token for the named scope, retries once, then fails AUTH', async () => {
    const reg = await tokenRegistry({ insufficient: true });
    servers.push(reg);
    const err = await client().reader().headManifest(refOn(reg), 'v1').catch((e: unknown) => e);
    expect((err as RegistryError).code).toBe('AUTH');
    expect((err as RegistryError).status).toBe(401);
    expect(reg.count('/token')).toBe(2);
    expect(reg.count('/v2/team/app/manifests/v1')).toBe(2);
  });
});

describe('identity tokens', () => {
  it('exchanges an identity token by OAuth2 refresh_token POST', async () => {
    const forms: URLSearchParams[] = [];
    const bytes = manifestBytes();
    const reg = await startFake(() => undefined);
    servers.push(reg);
    reg.handler = async (req, res) => {
      if (req.url === '/v2/') return sendError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': `Bearer realm="${reg.url}/token",service="svc"` });
      if (req.url === '/token' && req.method === 'POST') {
        let text = '';
        for await (const chunk of req) text += String(chunk);
        forms.push(new URLSearchParams(text));
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"tok-oauth"}');
      }
      if (req.headers.authorization !== 'Bearer tok-oauth') return sendError(res, 401, 'UNAUTHORIZED');
      return sendManifest(req, res, bytes, DOCKER_V2);
    };
    expect(await client({ identityToken: 'refresh-me' }).reader().headManifest(refOn(reg), 'v1')).not.toBeNull();
    expect(forms).toHaveLength(1);
    expect(Object.fromEntries(forms[0] ?? [])).toMatchObject({
      grant_type: 'refresh_token', refresh_token: 'refresh-me', service: 'svc', scope: 'repository:team/app:pull',
    });
  });
});

describe('basic-auth registry', () => {
  async function basicRegistry(): Promise<FakeServer> {
    const bytes = manifestBytes();
    const good = `Basic ${Buffer.from('bob:hunter2').toString('base64')}`;
    const reg = await startFake((req, res) => {
      if (req.headers.authorization !== good) {
        return sendError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': 'Basic realm="fake"' });
      }
      if (req.url === '/v2/') return void res.writeHead(200).end('{}');
      return sendManifest(req, res, bytes, DOCKER_V2);
    });
    servers.push(reg);
    return reg;
  }

  it('sends Basic credentials on every request', async () => {
    const reg = await basicRegistry();
    const got = await client({ username: 'bob', password: 'hunter2' }).reader().getManifest(refOn(reg), 'v1');
    expect(got?.mediaType).toBe(DOCKER_V2);
    expect(reg.count('/token')).toBe(0);
  });

  it('anonymous access to a Basic registry is AUTH, not absent', async () => {
    const reg = await basicRegistry();
    await expect(client().reader().headManifest(refOn(reg), 'v1')).rejects.toMatchObject({ code: 'AUTH', status: 401 });
  });
});
