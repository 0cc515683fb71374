/**
 * A small Docker-style token server (node:https) for the `token` test registry. It issues RS256
 * JWTs that distribution 2.8 accepts: header `{alg, typ, x5c}` with the signing certificate from
 * the registry's `rootcertbundle`, claims `iss, sub, aud, exp, nbf, iat, jti, access`.
 *
 * Grants:
 * - user `tester` (Basic, correct password): pull, push, delete and `*` on every repository;
 * - user `limited` (Basic, its password): pull on repositories starting `limited/`;
 * - anonymous: pull on repositories starting `public/`.
 * Wrong credentials get 401. Unknown grants are simply left out (the registry then answers 401).
 *
 * `GET /_stats` → `{"tokenRequests": n, "byRepository": {"<repo>": n}}` (a request naming several
 * repositories counts once for each); `POST /_stats/reset` zeroes both. Tests run in other
 * processes, possibly in parallel: prefer `byRepository` with a repository of your own.
 * No vitest imports.
 */
import { createSign, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link startTokenServer}. */
export interface TokenServerOptions {
  readonly certPem: string;
  readonly keyPem: string;
  readonly signingKeyPem: string;
  readonly signingCertDerB64: string;
  readonly issuer: string;
  readonly service: string;
  readonly users: Readonly<Record<string, string>>;
  /** Seconds; default 300. */
  readonly expiresIn?: number;
}

/** A running token server. */
export interface TokenServer {
  readonly port: number;
  readonly realm: string;
  readonly statsUrl: string;
  tokenRequests(): number;
  close(): Promise<void>;
}

interface Access { type: string; name: string; actions: string[] }

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** Split `scope` query values (repeated, and each possibly space-separated) into access requests. */
export function parseScopes(values: readonly string[]): Access[] {
  const out: Access[] = [];
  for (const value of values) {
    for (const scope of value.split(' ').filter(Boolean)) {
      const first = scope.indexOf(':');
      const last = scope.lastIndexOf(':');
      if (first < 0 || last <= first) continue;
      out.push({
        type: scope.slice(0, first),
        name: scope.slice(first + 1, last),
        actions: scope.slice(last + 1).split(',').filter(Boolean),
      });
    }
  }
  return out;
}

/** Which actions `account` (`''` = anonymous) may have on `repo`. */
export function allowedActions(account: string, repo: string): string[] {
  if (account === 'tester') return ['pull', 'push', 'delete', '*'];
  if (account === 'limited') return repo.startsWith('limited/') ? ['pull'] : [];
  return repo.startsWith('public/') ? ['pull'] : [];
}

function authenticate(req: IncomingMessage, users: Readonly<Record<string, string>>): string | null {
  const header = req.headers.authorization;
  if (!header) return '';
  const m = /^basic\s+(.+)$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const user = decoded.slice(0, colon);
  const pass = decoded.slice(colon + 1);
  return users[user] !== undefined && users[user] === pass ? user : null;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

/** Start the token server on 127.0.0.1 (port 0 unless given). */
export async function startTokenServer(opts: TokenServerOptions, port = 0): Promise<TokenServer> {
  let count = 0;
  let byRepository: Record<string, number> = {};
  const expiresIn = opts.expiresIn ?? 300;

  const sign = (sub: string, access: Access[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [opts.signingCertDerB64] };
    const claims = {
      iss: opts.issuer, sub, aud: opts.service, exp: now + expiresIn, nbf: now - 10, iat: now,
      jti: randomUUID(), access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(input).sign(opts.signingKeyPem);
    return `${input}.${b64url(signature)}`;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (url.pathname === '/_stats' && req.method === 'GET') {
      return sendJson(res, 200, { tokenRequests: count, byRepository });
    }
    if (url.pathname === '/_stats/reset' && req.method === 'POST') {
      count = 0;
      byRepository = {};
      return sendJson(res, 200, { tokenRequests: 0, byRepository });
    }
    if (url.pathname !== '/token' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return sendJson(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'not found' }] });
    }
    count++;
    const requested = parseScopes(url.searchParams.getAll('scope'));
    for (const name of new Set(requested.map((a) => a.name))) byRepository[name] = (byRepository[name] ?? 0) + 1;
    const account = authenticate(req, opts.users);
    if (account === null) {
      return sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid credentials' }] },
        { 'www-authenticate': 'Basic realm="mirror-validate-token"' });
    }
    const granted = requested
      .filter((a) => a.type === 'repository')
      .map((a) => {
        const allowed = allowedActions(account, a.name);
        return { type: a.type, name: a.name, actions: a.actions.filter((x) => allowed.includes(x)) };
      })
      .filter((a) => a.actions.length > 0);
    const token = sign(account, granted);
    sendJson(res, 200, { token, access_token: token, expires_in: expiresIn, issued_at: new Date().toISOString() });
  };

  const server: Server = createServer({ cert: opts.certPem, key: opts.keyPem }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    realm: `https://127.0.0.1:${actual}/token`,
    statsUrl: `https://127.0.0.1:${actual}/_stats`,
    tokenRequests: () => count,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
