/**
 * A small fake registry front that adds the OCI 1.1 referrers API to a real harness registry
 * (distribution 2.8 has none): `GET /v2/<name>/referrers/<digest>` answers an image index of the
 * referrers registered with {@link ReferrersProxy.add}, `pageSize` entries a page chained by
 * `Link`; with `api: false` it answers 404 as a registry without the API does. Every other
 * request is forwarded to the registry unchanged. Plain HTTP on 127.0.0.1. No vitest imports.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Descriptor } from '../../lib/core/types.js';

export interface ReferrersProxy {
  /** `127.0.0.1:<port>`: use it as the registry of list lines. */
  readonly host: string;
  /** Referrers requests received, by path and query. */
  readonly requests: string[];
  /** Registers `referrer` as a referrer of `subject` in `repo`. */
  add(repo: string, subject: string, referrer: Descriptor): void;
  close(): Promise<void>;
}

const INDEX = 'application/vnd.oci.image.index.v1+json';

export async function startReferrersProxy(o: { upstream: string; api: boolean; pageSize?: number }): Promise<ReferrersProxy> {
  const upstream = new URL(o.upstream);
  const referrers = new Map<string, Descriptor[]>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const m = /^\/v2\/(.+)\/referrers\/([a-z0-9]+:[a-f0-9]+)$/.exec(url.pathname);
    if (m) {
      requests.push(`${url.pathname}${url.search}`);
      if (!o.api) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      const all = referrers.get(`${m[1]}@${m[2]}`) ?? [];
      const from = Number(url.searchParams.get('last') ?? 0);
      const size = o.pageSize ?? all.length;
      const page = all.slice(from, from + size);
      const headers: Record<string, string> = { 'content-type': INDEX };
      if (from + size < all.length) headers.link = `<${url.pathname}?last=${from + size}>; rel="next"`;
      res.writeHead(200, headers);
      return void res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: page }));
    }
    const fwd = http.request({
      host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host },
    }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    requests,
    add(repo, subject, referrer) {
      const k = `${repo}@${subject}`;
      referrers.set(k, [...(referrers.get(k) ?? []), referrer]);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
