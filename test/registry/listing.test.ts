/**
 * Tag listings and the OCI 1.1 referrers API of the registry client against a fake registry:
 * `Link` pagination (relative and absolute), absence (404, NAME_UNKNOWN) vs errors, and links
 * that try to steer the client elsewhere.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRequestStats, RegistryClient } from '../../lib/registry/client.js';
import { FAST, OCI_INDEX, refOn, sendError, sha256, startFake, type FakeServer } from './fake-server.js';

const SUBJECT = sha256('subject');
const PAGED = sha256('paged');
const sig = (n: number) => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(`sig${n}`), size: 100 + n,
  artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json', annotations: { n: String(n) },
});
const index = (entries: object[]) => Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }));

function json(res: ServerResponse, body: Buffer | string, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

function route(req: IncomingMessage, res: ServerResponse, origin: () => string): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const p = url.pathname;
  const last = url.searchParams.get('last');
  if (p === '/v2/') return void res.writeHead(200).end('{}');
  switch (p) {
    case '/v2/team/app/tags/list':
      if (last === null) return json(res, JSON.stringify({ name: 'team/app', tags: ['a', 'b'] }), { link: '</v2/team/app/tags/list?last=b&n=2>; rel="next"' });
      if (last === 'b') return json(res, JSON.stringify({ name: 'team/app', tags: ['c', 'd'] }), { link: `<${origin()}/v2/team/app/tags/list?last=d&n=2>; rel="next"` });
      return json(res, JSON.stringify({ name: 'team/app', tags: ['e'] }));
    case '/v2/team/empty/tags/list': return json(res, JSON.stringify({ name: 'team/empty', tags: null }));
    case '/v2/team/gone/tags/list': return sendError(res, 404, 'NAME_UNKNOWN');
    case '/v2/team/denied/tags/list': return sendError(res, 401, 'UNAUTHORIZED');
    case '/v2/team/garbage/tags/list': return json(res, '<html>');
    case '/v2/team/notags/tags/list': return json(res, JSON.stringify({ name: 'team/notags', tags: 'a' }));
    case '/v2/team/elsewhere/tags/list': return json(res, JSON.stringify({ tags: ['a'] }), { link: '<http://169.254.169.254/v2/team/elsewhere/tags/list?last=a>; rel="next"' });
    case '/v2/team/otherpath/tags/list': return json(res, JSON.stringify({ tags: ['a'] }), { link: '</v2/team/app/tags/list?last=a>; rel="next"' });
    case `/v2/team/app/referrers/${SUBJECT}`:
      res.writeHead(200, { 'content-type': OCI_INDEX });
      return void res.end(index([sig(1), sig(2)]));
    case `/v2/team/app/referrers/${PAGED}`:
      res.writeHead(200, { 'content-type': OCI_INDEX, ...(last === null ? { link: `</v2/team/app/referrers/${PAGED}?last=1>; rel="next"` } : {}) });
      return void res.end(index(last === null ? [sig(1)] : [sig(2)]));
    case `/v2/team/loop/referrers/${SUBJECT}`:
      res.writeHead(200, { 'content-type': OCI_INDEX, link: `</v2/team/loop/referrers/${SUBJECT}?last=1>; rel="next"` });
      return void res.end(index([sig(1)]));
    case `/v2/team/image/referrers/${SUBJECT}`:
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      return void res.end(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: sig(0), layers: [] }));
    case `/v2/team/broken/referrers/${SUBJECT}`: return sendError(res, 500, 'UNKNOWN');
    default: return void res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
  }
}

let server: FakeServer;
let client: RegistryClient;
beforeAll(async () => {
  server = await startFake((req, res) => route(req, res, () => server.url));
  client = new RegistryClient({ tlsVerify: false, ...FAST });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const ref = (repository: string) => refOn(server, repository);

describe('listTags', () => {
  it('follows Link pages, relative and absolute, one request per page', async () => {
    const stats = newRequestStats();
    const reader = client.reader(stats);
    const tags: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await reader.listTags(ref('team/app'), cursor);
      expect(page).not.toBeNull();
      tags.push(...page!.tags);
      if (page!.next === undefined) break;
      cursor = page!.next;
    }
    expect(tags).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(stats.counts.tagList).toBe(3);
    expect(server.requests.filter((r) => r.path.startsWith('/v2/team/app/tags/list')).map((r) => r.path)).toEqual([
      '/v2/team/app/tags/list', '/v2/team/app/tags/list?last=b&n=2', '/v2/team/app/tags/list?last=d&n=2',
    ]);
  });

  it('an empty repository lists no tags; a missing one is null', async () => {
    expect(await client.reader().listTags(ref('team/empty'))).toEqual({ tags: [] });
    expect(await client.reader().listTags(ref('team/gone'))).toBeNull();
  });

  it.each([
    ['team/denied', 'AUTH'],
    ['team/garbage', 'MALFORMED'],
    ['team/notags', 'MALFORMED'],
    ['team/elsewhere', 'MALFORMED'],
    ['team/otherpath', 'MALFORMED'],
  ])('%s fails closed with %s', async (repository, code) => {
    await expect(client.reader().listTags(ref(repository))).rejects.toMatchObject({ code });
  });

  it('never sends a request to a host a Link names', async () => {
    await expect(client.reader().listTags(ref('team/elsewhere'))).rejects.toMatchObject({ message: expect.stringMatching(/another listing/) });
  });

  it('refuses a cursor that is not a query', async () => {
    await expect(client.reader().listTags(ref('team/app'), '/../x')).rejects.toMatchObject({ code: 'MALFORMED' });
  });
});

describe('referrers', () => {
  it('returns the entries of the referrers index with their artifactType', async () => {
    const stats = newRequestStats();
    const got = await client.reader(stats).referrers(ref('team/app'), SUBJECT);
    expect(got).toEqual([sig(1), sig(2)]);
    expect(stats.counts.referrers).toBe(1);
    const sent = server.requests.find((r) => r.path === `/v2/team/app/referrers/${SUBJECT}`);
    expect(sent?.headers.accept).toBe(OCI_INDEX);
  });

  it('follows Link pages', async () => {
    const stats = newRequestStats();
    expect((await client.reader(stats).referrers(ref('team/app'), PAGED))?.map((d) => d.digest)).toEqual([sig(1).digest, sig(2).digest]);
    expect(stats.counts.referrers).toBe(2);
  });

  it('a 404 means no referrers API: null', async () => {
    expect(await client.reader().referrers(ref('team/noapi'), SUBJECT)).toBeNull();
  });

  it.each([
    ['team/loop', 'MALFORMED'],
    ['team/image', 'MALFORMED'],
    ['team/broken', 'NETWORK'],
  ])('%s fails closed with %s', async (repository, code) => {
    await expect(client.reader().referrers(ref(repository), SUBJECT)).rejects.toMatchObject({ code });
  });
});
