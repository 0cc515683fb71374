/**
 * In-process fake HTTP(S) servers on 127.0.0.1:0 for registry client tests. Every request is
 * recorded (method, path, headers) so tests can assert on what the client sent.
 */
import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import type { ImageRef } from '../../lib/core/types.js';

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface FakeServer {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** `http(s)://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: Recorded[];
  /** Requests whose path starts with `prefix`. */
  count(prefix: string, method?: string): number;
  handler: Handler;
  close(): Promise<void>;
}

/** Starts a server; `tls` makes it HTTPS with the given key and certificate. */
export async function startFake(handler: Handler, tls?: { key: string; cert: string }): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const fake = { handler } as { handler: Handler };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    Promise.resolve(fake.handler(req, res)).catch((err: unknown) => {
      res.statusCode = 599;
      res.end(String(err));
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const host = `127.0.0.1:${port}`;
  return Object.assign(fake, {
    host,
    url: `${tls ? 'https' : 'http'}://${host}`,
    requests,
    count: (prefix: string, method?: string) =>
      requests.filter((r) => r.path.startsWith(prefix) && (method === undefined || r.method === method)).length,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}

/** Registers fakes and clients of a test file; after each test the clients, then the fakes, are closed. */
export function closedAfterEach(): { server(s: FakeServer): FakeServer; client<C extends { close(): Promise<void> }>(c: C): C } {
  const servers: FakeServer[] = [];
  const clients: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return {
    server: (s) => (servers.push(s), s),
    client: (c) => (clients.push(c), c),
  };
}

export const sha256 = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_V2 = 'application/vnd.docker.distribution.manifest.v2+json';

/** A tiny manifest body of the given media type. */
export function manifestBytes(mediaType = DOCKER_V2, salt = ''): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, layers: [], salt }));
}

/** Writes a distribution error body. */
export function sendError(res: ServerResponse, status: number, code: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...extra });
  res.end(JSON.stringify({ errors: [{ code, message: `${code.toLowerCase()} message`, detail: null }] }));
}

/** Serves a manifest with Content-Type, Content-Length and (unless `digest: null`) Docker-Content-Digest. */
export function sendManifest(
  req: IncomingMessage, res: ServerResponse, bytes: Buffer, mediaType: string,
  opts: { digest?: string | null; headers?: Record<string, string> } = {},
): void {
  const headers: Record<string, string> = {
    'content-type': mediaType, 'content-length': String(bytes.length), ...opts.headers,
  };
  if (opts.digest !== null) headers['docker-content-digest'] = opts.digest ?? sha256(bytes);
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

/** An ImageRef on a fake server. */
export function refOn(server: { host: string }, repository = 'team/app'): ImageRef {
  return { registry: server.host, repository };
}

/** Options that make tests fast: tiny backoff, no jitter. */
export const FAST = {
  retry: { retries: 3, baseMs: 1, maxMs: 5, maxRetryAfterMs: 20 },
  random: () => 0,
} as const;
