import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPT_MANIFEST } from '../../lib/core/media-types.js';
import { parseManifest } from '../../lib/core/manifest.js';
import { newRequestStats, RegistryClient } from '../../lib/registry/client.js';
import {
  DOCKER_V2, FAST, manifestBytes, OCI_INDEX, refOn, sendError, sendManifest, sha256, startFake, type FakeServer,
} from './fake-server.js';

const body = manifestBytes(OCI_INDEX, 'index');
const other = manifestBytes(DOCKER_V2, 'other');
const blob = Buffer.from('{"architecture":"amd64","os":"linux"}');
const big = Buffer.alloc(5 * 1024 * 1024, 0x20);
let bigBytesSent = 0;

/** Routes by tag name: each tag exercises one registry behaviour. */
function route(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '';
  if (path === '/v2/') return void res.writeHead(200).end('{}');
  const m = /^\/v2\/team\/app\/(manifests|blobs)\/(.+)$/.exec(path);
  const ref = m?.[2] ?? '';
  if (m?.[1] === 'blobs') {
    if (ref === sha256(blob)) return void res.writeHead(200, { 'content-length': String(blob.length) }).end(req.method === 'HEAD' ? undefined : blob);
    if (ref === sha256('wrong')) return void res.writeHead(200).end(blob);
    return sendError(res, 404, 'BLOB_UNKNOWN');
  }
  switch (ref) {
    case 'ok': case sha256(body): return sendManifest(req, res, body, `${OCI_INDEX}; charset=utf-8`);
    case 'nodigest': return sendManifest(req, res, body, OCI_INDEX, { digest: null });
    case 'badheader': return sendManifest(req, res, body, OCI_INDEX, { digest: sha256('something else') });
    case sha256('x'): return sendManifest(req, res, other, DOCKER_V2, { digest: null });
    case 'typeclash': return sendManifest(req, res, body, DOCKER_V2);
    case 'generic': return sendManifest(req, res, body, 'application/json', { digest: null });
    case 'notjson': return sendManifest(req, res, Buffer.from('<html>'), DOCKER_V2);
    case 'gone': return void res.writeHead(404).end();
    case 'unknown': return sendError(res, 400, 'MANIFEST_UNKNOWN');
    case 'nameunknown': return sendError(res, 404, 'NAME_UNKNOWN');
    case 'harbor': return sendError(res, 400, 'NOT_FOUND');
    case 'forbidden': return sendError(res, 403, 'DENIED');
    case 'unauth': return sendError(res, 401, 'UNAUTHORIZED');
    case 'broken': return sendError(res, 500, 'UNKNOWN');
    case 'badreq': return sendError(res, 400, 'TAG_INVALID');
    case 'huge':
      res.writeHead(200, { 'content-type': DOCKER_V2, 'content-length': String(big.length) });
      return void res.end(req.method === 'HEAD' ? undefined : big);
    case 'hugechunked': {
      res.writeHead(200, { 'content-type': DOCKER_V2 });
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      const write = (): void => {
        while (bigBytesSent < 64 * 1024 * 1024) {
          bigBytesSent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', write);
        }
        res.end();
      };
      res.on('close', () => undefined);
      return write();
    }
    default: return sendError(res, 404, 'MANIFEST_UNKNOWN');
  }
}

let server: FakeServer;
let client: RegistryClient;
beforeAll(async () => {
  server = await startFake(route);
  client = new RegistryClient({ tlsVerify: false, ...FAST });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const reader = () => client.reader();
const ref = () => refOn(server);

describe('manifest HEAD/GET', () => {
  it('sends the full Accept list on HEAD and GET, in order', async () => {
    await reader().headManifest(ref(), 'ok');
    await reader().getManifest(ref(), 'ok');
    const sent = server.requests.filter((r) => r.path === '/v2/team/app/manifests/ok');
    expect(sent.map((r) => r.method)).toEqual(['HEAD', 'GET']);
    for (const r of sent) expect(r.headers.accept).toBe(ACCEPT_MANIFEST.join(', '));
  });

  it('HEAD returns digest, media type without parameters and size', async () => {
    expect(await reader().headManifest(ref(), 'ok')).toEqual({ digest: sha256(body), mediaType: OCI_INDEX, size: body.length });
  });

  it('GET by tag returns the verified body and its digest', async () => {
    const got = await reader().getManifest(ref(), 'ok');
    expect(got?.digest).toBe(sha256(body));
    expect(Buffer.from(got?.bytes ?? []).equals(body)).toBe(true);
  });

  it('GET computes the digest when Docker-Content-Digest is missing (ECR)', async () => {
    expect((await reader().getManifest(ref(), 'nodigest'))?.digest).toBe(sha256(body));
  });

  it('HEAD without Docker-Content-Digest falls back to a GET', async () => {
    const stats = newRequestStats();
    const head = await client.reader(stats).headManifest(ref(), 'nodigest');
    expect(head).toEqual({ digest: sha256(body), mediaType: OCI_INDEX, size: body.length });
    expect(stats.counts).toMatchObject({ manifestHead: 1, manifestGet: 1 });
  });

  it('GET with a generic Content-Type: parseManifest takes the body mediaType', async () => {
    const got = (await reader().getManifest(ref(), 'generic'))!;
    expect(got.mediaType).toBe('application/json');
    // The served body is {mediaType: OCI index} without entries: detected as an index, then refused.
    expect(() => parseManifest(got.bytes, got.mediaType)).toThrow(`index ${OCI_INDEX} has no "manifests" array`);
  });

  it.each([
    ['body mediaType disagrees with Content-Type', 'typeclash'],
    ['body is not JSON', 'notjson'],
  ])('MALFORMED from parseManifest when %s (the one home of type detection)', async (_name, reference) => {
    const got = (await reader().getManifest(ref(), reference))!;
    expect(() => parseManifest(got.bytes, got.mediaType)).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });

  it.each([
    ['Docker-Content-Digest disagrees with the bytes', 'badheader'],
    ['body fetched by digest does not hash to it', sha256('x')],
  ])('MALFORMED when %s', async (_name, reference) => {
    await expect(reader().getManifest(ref(), reference)).rejects.toMatchObject({ code: 'MALFORMED' });
  });

  it('GET by digest verifies and keeps the requested digest', async () => {
    expect((await reader().getManifest(ref(), sha256(body)))?.digest).toBe(sha256(body));
  });

  it('refuses a manifest over 4 MiB from Content-Length', async () => {
    await expect(reader().getManifest(ref(), 'huge')).rejects.toMatchObject({
      code: 'MALFORMED', message: expect.stringContaining('manifest larger than 4 MiB'),
    });
  });

  it('stops reading a chunked body past 4 MiB', async () => {
    await expect(reader().getManifest(ref(), 'hugechunked')).rejects.toMatchObject({ code: 'MALFORMED' });
    expect(bigBytesSent).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('absence vs errors (fail-closed)', () => {
  it.each([['gone'], ['unknown'], ['nameunknown'], ['harbor'], ['nosuchtag']])('%s proves absence -> null', async (tag) => {
    expect(await reader().getManifest(ref(), tag)).toBeNull();
    expect(await reader().headManifest(ref(), tag)).toBeNull();
  });

  it.each([
    ['forbidden', 'AUTH', 403],
    ['unauth', 'AUTH', 401],
    ['broken', 'NETWORK', 500],
    ['badreq', 'NETWORK', 400],
  ])('%s throws %s', async (tag, code, status) => {
    await expect(reader().getManifest(ref(), tag)).rejects.toMatchObject({ code, status });
  });

  it('a HEAD 400 (no body, so no code) asks again with GET to read the code', async () => {
    const stats = newRequestStats();
    await expect(client.reader(stats).headManifest(ref(), 'unknown')).resolves.toBeNull();
    await expect(client.reader(stats).headManifest(ref(), 'badreq')).rejects.toMatchObject({ code: 'NETWORK', status: 400 });
    expect(stats.counts).toMatchObject({ manifestHead: 2, manifestGet: 2 });
  });
});

describe('blobs', () => {
  it('getBlob verifies the digest', async () => {
    expect(Buffer.from((await reader().getBlob(ref(), sha256(blob))) ?? []).equals(blob)).toBe(true);
    await expect(reader().getBlob(ref(), sha256('wrong'))).rejects.toMatchObject({ code: 'MALFORMED' });
  });

  it('getBlob enforces its cap', async () => {
    await expect(reader().getBlob(ref(), sha256(blob), 8)).rejects.toMatchObject({ code: 'MALFORMED' });
  });

  it('headBlob: true when present, false on BLOB_UNKNOWN/404', async () => {
    const stats = newRequestStats();
    expect(await client.reader(stats).headBlob(ref(), sha256(blob))).toBe(true);
    expect(await client.reader(stats).headBlob(ref(), sha256('missing'))).toBe(false);
    expect(await client.reader(stats).getBlob(ref(), sha256('missing'))).toBeNull();
    expect(stats.counts).toMatchObject({ blobHead: 2, blobGet: 1 });
  });
});
