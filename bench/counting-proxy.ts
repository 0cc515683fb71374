/**
 * A counting reverse proxy in front of one registry: every request is classified
 * (`HEAD manifest by-tag`, `GET blob`, `GET ping`, `GET tags`, `GET referrers`...) and forwarded unchanged over a keep-alive
 * pool. HTTPS registries get an HTTPS proxy (its own throw-away certificate; clients run with
 * `--tls-verify=false`), plain ones a plain proxy. Used only for the counting passes, never for
 * the timed ones, so its own CPU never enters a timing.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

/** What a request was for. */
export type RequestKind = 'ping' | 'manifest' | 'blob' | 'tags' | 'referrers' | 'other';

/** Count key: `<METHOD> <kind>[ <by-tag|by-digest>]`, e.g. `GET manifest by-tag`. */
export type CountKey = string;

export interface CountingProxy {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  readonly url: string;
  /** A copy of the counts since the last reset. */
  counts(): Record<CountKey, number>;
  reset(): void;
  close(): Promise<void>;
}

export interface CountingProxyOptions {
  /** `http(s)://127.0.0.1:<port>` of the registry. */
  readonly upstream: string;
  /** CA of the upstream's certificate (HTTPS upstreams). */
  readonly upstreamCa?: string;
  /** Serve HTTPS with this certificate (for HTTPS upstreams). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'host']);

/** `GET /v2/a/b/manifests/v1` -> `GET manifest by-tag`. */
export function classify(method: string, path: string): CountKey {
  const p = path.split('?')[0] ?? '';
  if (p === '/v2/' || p === '/v2') return `${method} ping`;
  if (/^\/v2\/.+\/tags\/list$/.test(p)) return `${method} tags`;
  if (/^\/v2\/.+\/referrers\/[^/]+$/.test(p)) return `${method} referrers`;
  const m = /^\/v2\/.+\/(manifests|blobs)\/([^/]+)$/.exec(p);
  if (!m) return `${method} other`;
  if (m[1] === 'blobs') return `${method} blob`;
  return `${method} manifest ${m[2]!.includes(':') ? 'by-digest' : 'by-tag'}`;
}

/** Starts a proxy on 127.0.0.1 (random port). */
export async function startCountingProxy(opts: CountingProxyOptions): Promise<CountingProxy> {
  const pool = new Pool(opts.upstream, {
    connections: 64,
    keepAliveTimeout: 30_000,
    connect: opts.upstreamCa ? { ca: opts.upstreamCa } : {},
  });
  let counts: Record<string, number> = {};
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const method = req.method ?? 'GET';
    const key = classify(method, req.url ?? '/');
    counts[key] = (counts[key] ?? 0) + 1;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    const hasBody = method !== 'GET' && method !== 'HEAD';
    pool.request({ method: method as 'GET', path: req.url ?? '/', headers, body: hasBody ? req : null })
      .then((up) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(up.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        }
        res.writeHead(up.statusCode, out);
        if (method === 'HEAD') {
          up.body.resume();
          res.end();
          return;
        }
        up.body.on('error', () => res.destroy());
        up.body.pipe(res);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
  };
  const server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const host = `127.0.0.1:${port}`;
  return {
    host,
    url: `${opts.tls ? 'https' : 'http'}://${host}`,
    counts: () => ({ ...counts }),
    reset: () => { counts = {}; },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
    },
  };
}
