/**
 * The per-image time limit bites: when an image's signal aborts, its requests in flight are
 * aborted (the server sees the connection closed), a token fetch is aborted once no image waits
 * for it any more, and a retry wait ends at once. Request timeouts are set far beyond the test
 * (10 min), so every abort the servers observe comes from the image's limit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../lib/core/settings.js';
import { createImageChecker } from '../../lib/engine/image-checker.js';
import { newRequestStats, RegistryClient } from '../../lib/registry/client.js';
import { runCli } from '../e2e/cli-helpers.js';
import { closedAfterEach, DOCKER_V2, FAST, manifestBytes, refOn, sendError, sendManifest, startFake, type FakeServer } from './fake-server.js';

const FAR = 600_000;
const bytes = manifestBytes();
const track = closedAfterEach();

/** A fake whose handler may hold requests; `aborted` counts responses the client gave up on. */
async function fake(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<FakeServer & { aborted: () => number }> {
  let aborted = 0;
  const s = await startFake((req, res) => {
    res.on('close', () => { if (!res.writableFinished) aborted++; });
    handler(req, res);
  });
  return Object.assign(track.server(s), { aborted: () => aborted });
}
const hang = (): void => undefined;
const trickle = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': DOCKER_V2, 'content-length': '100000' });
  const timer = setInterval(() => res.write('{'), 50);
  res.on('close', () => clearInterval(timer));
};
const pinged = (h: (req: IncomingMessage, res: ServerResponse) => void) => (req: IncomingMessage, res: ServerResponse): void => {
  if (req.url === '/v2/') return void res.writeHead(200).end('{}');
  h(req, res);
};
function client(extra: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {}): RegistryClient {
  return track.client(new RegistryClient({ ...FAST, tlsVerify: false, timeoutMs: FAR, deadlineMs: FAR, ...extra }));
}
const until = (cond: () => boolean) => expect.poll(cond, { timeout: 20_000, interval: 20 }).toBe(true);

describe('a reader\'s signal', () => {
  it.each([['hangs', hang], ['trickles its body', trickle]])('aborts a request whose server %s', async (_what, h) => {
    const s = await fake(pinged(h));
    const ctl = new AbortController();
    const got = client().reader(newRequestStats(), ctl.signal).getManifest(refOn(s), 'v1');
    await until(() => s.count('/v2/team/app/manifests/') === 1);
    ctl.abort(new DOMException('image time limit', 'TimeoutError'));
    await expect(got).rejects.toMatchObject({ code: 'TIMEOUT' });
    await until(() => s.aborted() === 1);
  });

  it('aborts a /v2/ ping that hangs once its only waiting image gives up', async () => {
    const s = await fake(hang);
    const ctl = new AbortController();
    const got = client().reader(newRequestStats(), ctl.signal).headManifest(refOn(s), 'v1');
    await until(() => s.count('/v2/') === 1);
    ctl.abort(new DOMException('image time limit', 'TimeoutError'));
    await expect(got).rejects.toMatchObject({ name: 'TimeoutError' });
    await until(() => s.aborted() === 1);
  });

  it('ends a retry wait at once', async () => {
    const s = await fake(pinged((_req, res) => sendError(res, 503, 'UNAVAILABLE')));
    const ctl = new AbortController();
    let waiting = false;
    const never = (): Promise<void> => { waiting = true; return new Promise(() => undefined); };
    const got = client({ sleep: never }).reader(newRequestStats(), ctl.signal).getManifest(refOn(s), 'v1');
    await until(() => waiting);
    ctl.abort(new DOMException('image time limit', 'TimeoutError'));
    await expect(got).rejects.toMatchObject({ name: 'TimeoutError' }); // the wait ended: no retry was sent
    expect(s.count('/v2/team/app/manifests/')).toBe(1);
  });

  it('aborts a shared token fetch only when no image waits for it any more', async () => {
    let release: (() => void) | undefined;
    const realm = await fake((_req, res) => {
      // The first token request is held until the test releases it; later ones hang.
      release ??= () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t"}');
    });
    const reg = await fake((req, res) => {
      if (!req.headers.authorization) return sendError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': `Bearer realm="${realm.url}/token",service="s"` });
      sendManifest(req, res, bytes, DOCKER_V2);
    });
    const c = client();
    const timeUp = (ctl: AbortController) => ctl.abort(new DOMException('image time limit', 'TimeoutError'));
    const [a, b] = [new AbortController(), new AbortController()];
    const gotA = c.reader(newRequestStats(), a.signal).headManifest(refOn(reg, 'team/one'), 'v1');
    const gotB = c.reader(newRequestStats(), b.signal).headManifest(refOn(reg, 'team/one'), 'v1');
    await until(() => release !== undefined);
    timeUp(a);
    await expect(gotA).rejects.toMatchObject({ name: 'TimeoutError' });
    release!();
    expect(await gotB).not.toBeNull(); // the fetch B still waited for was not aborted
    expect(realm.aborted()).toBe(0);

    const [x, y] = [new AbortController(), new AbortController()];
    const gotX = c.reader(newRequestStats(), x.signal).headManifest(refOn(reg, 'team/two'), 'v1');
    const gotY = c.reader(newRequestStats(), y.signal).headManifest(refOn(reg, 'team/two'), 'v1');
    await until(() => realm.count('/token') === 2);
    timeUp(x);
    timeUp(y);
    expect(await Promise.allSettled([gotX, gotY])).toMatchObject([{ status: 'rejected' }, { status: 'rejected' }]);
    await until(() => realm.aborted() === 1);
    expect(realm.count('/token')).toBe(2);
  });
});

describe('the per-image time limit', () => {
  const line = (s: FakeServer) => `${s.host}/team/app ${s.host}/team/mirror v1`;

  it('is ERROR TIMEOUT, and the image\'s requests are aborted (seen by the server), also on close', async () => {
    const s = await fake(pinged(hang));
    const checker = createImageChecker({
      settings: { ...DEFAULT_SETTINGS, tlsVerify: false }, timeoutMs: 1000, requestTimeoutMs: FAR, retry: FAST.retry,
    });
    const [src, dst] = line(s).split(' ');
    const item = { runId: 'r', line: 1, input: line(s), source: refOn(s), destination: refOn(s, 'team/mirror') };
    expect(src && dst).toBeTruthy();
    const result = await checker.validate(item);
    expect(result).toMatchObject({ status: 'ERROR', code: 'TIMEOUT', message: 'validation did not finish within 1 s' });
    const held = s.count('/v2/team/');
    expect(held).toBeGreaterThan(0);
    await until(() => s.aborted() === held);
    await checker.close(); // nothing left in flight to wait for
  });

  it('the CLI with --timeout 1 reports ERROR TIMEOUT and leaves no request running', async () => {
    const s = await fake(pinged(trickle));
    const run = await runCli([line(s)], ['--tls-verify=false', '--timeout', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ERROR line 1 .*TIMEOUT: validation did not finish within 1 s/);
    const held = s.count('/v2/team/');
    expect(held).toBeGreaterThan(0);
    await until(() => s.aborted() === held);
  });
});
