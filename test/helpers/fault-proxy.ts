/**
 * A fault-injecting HTTP(S) reverse proxy in front of one real harness registry (plain HTTP or
 * TLS upstream), on 127.0.0.1 and a free port. Rules (fault-rules.ts) pick requests by method
 * and path, by count or by seeded probability. A second listener on another port plays a
 * foreign host for cross-host redirects and records whether `Authorization` reached it.
 *
 * @example
 * const proxy = await startFaultProxy({ upstream: regs.plain.url, rules: [
 *   { method: 'GET', path: /\/manifests\//, fault: { kind: 'status', status: 503 }, times: 1 },
 * ] });
 * // list lines name proxy.host instead of regs.plain.host
 * await proxy.close();
 *
 * No vitest imports.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { respondWithFault, sendUpstream, type Upstream } from './fault-actions.js';
import { RuleBook, requestKind, type FaultRule } from './fault-rules.js';

export type { Fault, FaultRule } from './fault-rules.js';

export interface FaultProxyOptions {
  /** Registry base URL, e.g. `http://127.0.0.1:5000` or `https://127.0.0.1:5443`. */
  readonly upstream: string;
  /** CA (PEM) trusted for an https upstream. */
  readonly upstreamCa?: string;
  /** Serve HTTPS with this key and certificate (for 127.0.0.1); plain HTTP otherwise. */
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly rules?: readonly FaultRule[];
  /** Seed of the probability draws (default 1). */
  readonly seed?: number;
}

/** What the foreign (second) listener received. */
export interface ForeignHit {
  readonly method: string;
  readonly path: string;
  readonly authorization: boolean;
}

export interface FaultProxy {
  /** `127.0.0.1:<port>`: use it as the registry of list lines. */
  readonly host: string;
  readonly url: string;
  /** The second listener (`127.0.0.1:<port>`), target of `crossHost` redirects. */
  readonly foreignHost: string;
  readonly foreignHits: ForeignHit[];
  /** Requests per `<METHOD> <kind>` (`GET manifest`, `HEAD blob`, `GET ping`, …), faulted ones included. */
  readonly counts: Map<string, number>;
  /** Injected faults per fault kind. */
  readonly injected: Map<string, number>;
  /** Requests to the main listener that carried `Authorization`. */
  authorized(): number;
  /** Requests received (every listener, every kind). */
  total(): number;
  /** Sum of `counts` for one method (or any) and one kind (or any). */
  count(method?: string, kind?: string): number;
  /** Replace the rules and zero every counter. */
  setRules(rules: readonly FaultRule[]): void;
  /** Destroys open connections (hung ones too) and closes both listeners. */
  close(): Promise<void>;
}

const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

function listen(server: http.Server, sockets: Set<Socket>): Promise<number> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Starts the proxy and its foreign listener. */
export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const upstreamUrl = new URL(opts.upstream);
  const secure = upstreamUrl.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 64, ...(opts.upstreamCa ? { ca: opts.upstreamCa } : {}) })
    : new http.Agent({ keepAlive: true, maxSockets: 64 });
  const upstream: Upstream = { url: upstreamUrl, agent };
  const book = new RuleBook(opts.rules ?? [], opts.seed ?? 1);
  const counts = new Map<string, number>();
  const injected = new Map<string, number>();
  const foreignHits: ForeignHit[] = [];
  /** Authorization seen on the first hop of a cross-host redirect, by id (a presigned URL's stand-in). */
  const handed = new Map<string, string | undefined>();
  const sockets = new Set<Socket>();
  let nextId = 0;
  let authorized = 0;
  const scheme = opts.tls ? 'https' : 'http';
  const create = (handler: http.RequestListener): http.Server =>
    (opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : http.createServer(handler));

  let foreignOrigin = '';
  const main = create((req, res) => {
    void (async () => {
      const method = req.method ?? 'GET';
      const rawPath = req.url ?? '/';
      const body = await readBody(req);
      res.on('error', () => undefined);
      const hop = /^\/__hop\/(\d+)(\/.*)$/.exec(rawPath);
      if (hop) {
        const left = Number(hop[1]);
        if (left > 0) return redirect(res, `/__hop/${left - 1}${hop[2]}`);
        return sendUpstream(upstream, req, res, body, hop[2] ?? '/', undefined);
      }
      const loop = /^\/__loop(\/.*)$/.exec(rawPath);
      if (loop) return redirect(res, loop[1] ?? '/');
      bump(counts, `${method} ${requestKind(rawPath)}`);
      if (req.headers.authorization !== undefined) authorized++;
      const fault = book.pick(method, rawPath);
      if (!fault) return sendUpstream(upstream, req, res, body, rawPath, undefined);
      bump(injected, fault.kind);
      switch (fault.kind) {
        case 'redirects': return redirect(res, `/__hop/${fault.hops - 1}${rawPath}`);
        case 'redirectLoop': return redirect(res, `/__loop${rawPath}`);
        case 'crossHost': {
          const id = String(nextId++);
          handed.set(id, req.headers.authorization);
          return redirect(res, `${foreignOrigin}/__x/${id}${rawPath}`);
        }
        default: return respondWithFault(fault, upstream, req, res, body, rawPath);
      }
    })().catch(() => res.destroy());
  });
  const foreign = create((req, res) => {
    void (async () => {
      const rawPath = req.url ?? '/';
      const body = await readBody(req);
      res.on('error', () => undefined);
      foreignHits.push({ method: req.method ?? 'GET', path: rawPath, authorization: req.headers.authorization !== undefined });
      const m = /^\/__x\/(\d+)(\/.*)$/.exec(rawPath);
      if (!m) return void res.writeHead(404).end();
      // Like a presigned URL: the foreign host already holds the access the first hop granted.
      return sendUpstream(upstream, req, res, body, m[2] ?? '/', handed.get(m[1] ?? ''));
    })().catch(() => res.destroy());
  });
  const [port, foreignPort] = await Promise.all([listen(main, sockets), listen(foreign, sockets)]);
  foreignOrigin = `${scheme}://127.0.0.1:${foreignPort}`;

  const count = (method?: string, kind?: string): number => {
    let n = 0;
    for (const [k, v] of counts) {
      const [m, kd] = k.split(' ');
      if ((method === undefined || m === method) && (kind === undefined || kd === kind)) n += v;
    }
    return n;
  };
  return {
    host: `127.0.0.1:${port}`,
    url: `${scheme}://127.0.0.1:${port}`,
    foreignHost: `127.0.0.1:${foreignPort}`,
    foreignHits,
    counts,
    injected,
    authorized: () => authorized,
    total: () => count() + foreignHits.length,
    count,
    setRules(rules) {
      book.set(rules);
      counts.clear();
      injected.clear();
      foreignHits.length = 0;
      authorized = 0;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([main, foreign].map((s) => new Promise<void>((r) => s.close(() => r()))));
      agent.destroy();
    },
  };
}

function redirect(res: http.ServerResponse, location: string): void {
  res.writeHead(307, { location, 'content-length': '0' }).end();
}
