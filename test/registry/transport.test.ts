import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { newRequestStats, RegistryClient, type RegistryClientOptions } from '../../lib/registry/client.js';
import { backoffMs, parseRateLimitRemaining, parseRetryAfter } from '../../lib/registry/net-errors.js';
import { closedAfterEach, DOCKER_V2, FAST, manifestBytes, refOn, sendManifest, sha256, startFake, type FakeServer } from './fake-server.js';

const bytes = manifestBytes();
const track = closedAfterEach();

async function serve(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<FakeServer> {
  let n = 0;
  const s = await startFake((req, res) => {
    if (req.url === '/v2/') return void res.writeHead(200).end('{}');
    handler(req, res, ++n);
  });
  return track.server(s);
}

function client(extra: Partial<RegistryClientOptions> = {}): RegistryClient {
  return track.client(new RegistryClient({ tlsVerify: false, ...FAST, ...extra }));
}

describe('connections', () => {
  it('are kept after a HEAD: three HEADs and three GETs in turn open no more than two', async () => {
    const sockets = new Set<unknown>();
    const s = await serve((req, res) => {
      sockets.add(req.socket);
      sendManifest(req, res, bytes, DOCKER_V2);
    });
    const reader = client().reader();
    for (let i = 0; i < 3; i++) {
      expect(await reader.headManifest(refOn(s), 'v1')).not.toBeNull();
      expect(await reader.getManifest(refOn(s), 'v1')).not.toBeNull();
    }
    // undici's default closes after every HEAD: one connection per HEAD (4 here).
    expect(sockets.size).toBeLessThanOrEqual(2);
  });
});

describe('retries', () => {
  it('retries a 429 honouring Retry-After, then succeeds; retries are counted', async () => {
    const delays: number[] = [];
    const s = await serve((req, res, n) => {
      if (n <= 2) return void res.writeHead(429, { 'retry-after': '1' }).end();
      sendManifest(req, res, bytes, DOCKER_V2);
    });
    const stats = newRequestStats();
    const sleep = async (ms: number): Promise<void> => { delays.push(ms); };
    const head = await client({ sleep }).reader(stats).headManifest(refOn(s), 'v1');
    expect(head?.digest).toBe(sha256(bytes));
    expect(stats.counts.retries).toBe(2);
    expect(stats.counts.manifestHead).toBe(3);
    expect(delays).toEqual([20, 20]); // Retry-After 1 s, capped by maxRetryAfterMs in tests
  });

  it('persistent 429 ends in RATE_LIMITED', async () => {
    const s = await serve((_req, res) => void res.writeHead(429).end());
    await expect(client().reader().headManifest(refOn(s), 'v1')).rejects.toMatchObject({ code: 'RATE_LIMITED', status: 429 });
  });

  it('persistent 503 ends in NETWORK after the configured retries', async () => {
    const s = await serve((_req, res) => void res.writeHead(503).end());
    const stats = newRequestStats();
    await expect(client().reader(stats).getManifest(refOn(s), 'v1')).rejects.toMatchObject({ code: 'NETWORK', status: 503 });
    expect(s.count('/v2/team/app/manifests/v1')).toBe(1 + FAST.retry.retries);
    expect(stats.counts.retries).toBe(FAST.retry.retries);
  });

  it('a connection reset is retried', async () => {
    const s = await serve((req, res, n) => {
      if (n === 1) return void req.socket.destroy();
      sendManifest(req, res, bytes, DOCKER_V2);
    });
    const stats = newRequestStats();
    expect(await client().reader(stats).getManifest(refOn(s), 'v1')).not.toBeNull();
    expect(stats.counts.retries).toBe(1);
  });

  it('a registry that never answers is a TIMEOUT', async () => {
    const s = await serve(() => undefined);
    await expect(client({ timeoutMs: 50, retry: { retries: 1, baseMs: 1, maxMs: 2 } }).reader().headManifest(refOn(s), 'v1'))
      .rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('parses Retry-After and rate-limit headers; backoff grows and is capped', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRateLimitRemaining('76;w=21600')).toBe(76);
    expect(parseRateLimitRemaining(undefined)).toBeUndefined();
    const policy = { retries: 9, baseMs: 200, maxMs: 10_000 };
    expect([0, 1, 2, 10].map((a) => backoffMs(policy, a, undefined, () => 1))).toEqual([200, 400, 800, 10_000]);
    expect(backoffMs(policy, 0, undefined, () => 0)).toBe(100);
    expect(backoffMs(policy, 0, 120_000, () => 0)).toBe(30_000);
  });
});

describe('redirects', () => {
  it('follows a cross-host redirect without Authorization', async () => {
    const blob = Buffer.from('config');
    const cdn = await startFake((_req, res) => void res.writeHead(200).end(blob));
    track.server(cdn);
    const good = `Basic ${Buffer.from('u:p').toString('base64')}`;
    const reg = await startFake((req, res) => {
      if (req.headers.authorization !== good) {
        return void res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      }
      if (req.url === '/v2/') return void res.writeHead(200).end();
      res.writeHead(307, { location: `${cdn.url}/blob?X-Amz-Signature=abc` }).end();
    });
    track.server(reg);
    const c = client({ credentials: async () => ({ username: 'u', password: 'p' }) });
    const got = await c.reader().getBlob(refOn(reg), sha256(blob));
    expect(Buffer.from(got ?? []).toString()).toBe('config');
    expect(reg.requests.at(-1)?.headers.authorization).toBe(good);
    expect(cdn.requests).toHaveLength(1);
    expect(cdn.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('keeps Authorization on a same-origin redirect', async () => {
    const s = await startFake((req, res) => {
      if (req.headers.authorization === undefined) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      if (req.url === '/v2/') return void res.writeHead(200).end();
      if (req.url?.includes('/manifests/old')) return void res.writeHead(301, { location: '/v2/team/app/manifests/new' }).end();
      sendManifest(req, res, bytes, DOCKER_V2);
    });
    track.server(s);
    const c = client({ credentials: async () => ({ username: 'u', password: 'p' }) });
    expect(await c.reader().getManifest(refOn(s), 'old')).not.toBeNull();
  });

  it('a redirect loop is an error', async () => {
    const s = await serve((req, res) => {
      const next = req.url?.endsWith('/a') ? 'b' : 'a';
      res.writeHead(302, { location: `/v2/team/app/manifests/${next}` }).end();
    });
    await expect(client().reader().getManifest(refOn(s), 'a')).rejects.toMatchObject({
      code: 'NETWORK', message: expect.stringContaining('redirect loop'),
    });
    expect(s.count('/v2/team/app/manifests/')).toBe(2);
  });

  it('more than 5 redirects is an error', async () => {
    const s = await serve((req, res) => {
      const n = Number(/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
      res.writeHead(302, { location: `/v2/team/app/manifests/r${n + 1}` }).end();
    });
    await expect(client().reader().getManifest(refOn(s), 'r0')).rejects.toMatchObject({ code: 'NETWORK' });
    expect(s.count('/v2/team/app/manifests/')).toBe(6);
  });
});

describe('observability', () => {
  it('traces requests with redacted query strings and never the Authorization value', async () => {
    const cdn = await startFake((_req, res) => void res.writeHead(200).end('x'));
    track.server(cdn);
    const s = await startFake((req, res) => {
      if (!req.headers.authorization) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      if (req.url === '/v2/') return void res.writeHead(200).end();
      res.writeHead(302, { location: `${cdn.url}/b?sig=topsecret&n=1` }).end();
    });
    track.server(s);
    const lines: string[] = [];
    const c = client({ debug: (l) => lines.push(l), credentials: async () => ({ username: 'u', password: 'pw-123' }) });
    await c.reader().getBlob(refOn(s), sha256('x'));
    const all = lines.join('\n');
    expect(all).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/v2\/team\/app\/blobs\/sha256:[0-9a-f]{64} -> 302 \(\d+ ms\)/);
    expect(all).toContain('sig=REDACTED');
    expect(all).not.toContain('topsecret');
    expect(all).not.toContain('pw-123');
    expect(all).not.toContain(Buffer.from('u:pw-123').toString('base64'));
  });

  it('records Docker Hub ratelimit-remaining', async () => {
    const s = await serve((req, res) => sendManifest(req, res, bytes, DOCKER_V2, { headers: { 'ratelimit-remaining': '76;w=21600' } }));
    const stats = newRequestStats();
    await client().reader(stats).getManifest(refOn(s), 'v1');
    expect(stats.rateLimitRemaining).toBe(76);
  });
});
