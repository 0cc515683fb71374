/**
 * Forwarding to the upstream registry and the fault responses of the fault proxy
 * (fault-proxy.ts). No vitest imports.
 */
import http from 'node:http';
import https from 'node:https';
import type { Fault } from './fault-rules.js';

/** The registry behind the proxy. */
export interface Upstream {
  readonly url: URL;
  readonly agent: http.Agent;
}

/** An upstream answer, body buffered. */
interface Answer {
  readonly status: number;
  readonly headers: http.OutgoingHttpHeaders;
  readonly body: Buffer;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'content-length'];

/** Sends the request to the registry; `authorization` (when given) replaces the client's. */
function fetchUpstream(
  up: Upstream, req: http.IncomingMessage, body: Buffer, path: string, authorization?: string,
): Promise<Answer> {
  const headers: http.OutgoingHttpHeaders = { ...req.headers, host: up.url.host };
  delete headers.connection;
  if (authorization !== undefined) headers.authorization = authorization;
  const mod = up.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const out = mod.request(new URL(path, up.url), { method: req.method, headers, agent: up.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h: http.OutgoingHttpHeaders = { ...res.headers };
        for (const k of HOP_BY_HOP) if (k !== 'content-length' || req.method !== 'HEAD') delete h[k];
        resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body.length > 0 ? body : undefined);
  });
}

function reply(res: http.ServerResponse, a: Answer, method: string): void {
  const headers = method === 'HEAD' ? a.headers : { ...a.headers, 'content-length': String(a.body.length) };
  res.writeHead(a.status, headers);
  res.end(method === 'HEAD' ? undefined : a.body);
}

/** Forwards the request untouched (apart from `authorization`, when given). */
export async function sendUpstream(
  up: Upstream, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, path: string,
  authorization: string | undefined,
): Promise<void> {
  const a = await fetchUpstream(up, req, body, path, authorization);
  reply(res, a, req.method ?? 'GET');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function without(headers: http.OutgoingHttpHeaders, name: string): http.OutgoingHttpHeaders {
  const h = { ...headers };
  delete h[name];
  return h;
}

/** Resolves on 'drain' or 'close', whichever comes first. */
function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** A manifest-looking JSON body of exactly `bytes` bytes. */
function bigManifest(bytes: number): Buffer {
  const head = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","pad":"';
  const tail = '"}';
  return Buffer.from(head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail);
}

/** Responds with `fault` (every kind but the redirect ones, which the proxy handles). */
export async function respondWithFault(
  fault: Fault, up: Upstream, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, path: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  const isGet = method === 'GET';
  switch (fault.kind) {
    case 'status': {
      const errors = JSON.stringify({ errors: [{ code: fault.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE', message: 'injected' }] });
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}),
        'content-length': String(isGet ? Buffer.byteLength(errors) : 0),
      });
      return void res.end(isGet ? errors : undefined);
    }
    case 'reset': return void req.socket.destroy();
    case 'hang': return; // the proxy's close() destroys the socket
    case 'oversize': {
      const big = bigManifest(fault.bytes ?? 5 * 1024 * 1024);
      const headers = { 'content-type': 'application/vnd.oci.image.manifest.v1+json', ...(fault.chunked ? {} : { 'content-length': String(big.length) }) };
      res.writeHead(200, headers);
      if (!isGet) return void res.end();
      for (let i = 0; i < big.length && !res.destroyed; i += 64 * 1024) {
        if (!res.write(big.subarray(i, i + 64 * 1024))) await drained(res);
      }
      return void res.end();
    }
    default: break;
  }
  const a = await fetchUpstream(up, req, body, path);
  if (fault.kind === 'realm') {
    const challenge = a.headers['www-authenticate'];
    const rewrite = (v: string): string => v.replace(/realm="[^"]*"/i, `realm="${fault.realm}"`);
    const headers = challenge === undefined ? a.headers
      : { ...a.headers, 'www-authenticate': Array.isArray(challenge) ? challenge.map(rewrite) : rewrite(String(challenge)) };
    return reply(res, { ...a, headers }, method);
  }
  if (fault.kind === 'contentType') return reply(res, { ...a, headers: { ...a.headers, 'content-type': fault.contentType } }, method);
  if (!isGet || a.status !== 200) return reply(res, a, method); // body faults need a body
  switch (fault.kind) {
    case 'slow': {
      res.writeHead(a.status, { ...a.headers, 'content-length': String(a.body.length) });
      const step = fault.chunkBytes ?? 256;
      for (let i = 0; i < a.body.length && !res.destroyed; i += step) {
        res.write(a.body.subarray(i, i + step));
        await sleep(fault.delayMs ?? 2);
      }
      return void res.end();
    }
    case 'truncate':
      res.writeHead(a.status, { ...a.headers, 'content-length': String(a.body.length + 100) });
      res.write(a.body.subarray(0, Math.floor(a.body.length / 2)));
      await sleep(5);
      return void req.socket.destroy();
    case 'invalidJson':
      return reply(res, { ...a, headers: without(a.headers, 'docker-content-digest'), body: Buffer.from('{"schemaVersion":2,"mediaType":') }, method);
    case 'wrongDigest': {
      const other = fault.body ? Buffer.from(fault.body) : Buffer.from(JSON.stringify(JSON.parse(a.body.toString('utf8')), null, 1));
      return reply(res, { ...a, body: other }, method);
    }
    default:
      return reply(res, a, method);
  }
}
