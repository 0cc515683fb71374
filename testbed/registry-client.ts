/**
 * Minimal, test-only registry HTTP client (undici) used to build and break images in the harness
 * registries: Basic auth for `tls`, a bearer-token exchange for `token`, nothing for `plain`.
 * Deliberately independent of lib/registry so tests do not test the client with itself.
 *
 * No vitest imports.
 */
import { Agent, request, type Dispatcher } from 'undici';
import type { RegistryInfo } from './registry-harness.js';

/** Every manifest type, as a validating client would send. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/vnd.docker.distribution.manifest.v1+json',
].join(', ');

/** Credentials to use instead of the registry's default (`tester`); `null` = anonymous. */
export type Creds = { readonly username: string; readonly password: string } | null;

/** A registry plus optional credentials override. */
export interface Target {
  readonly reg: RegistryInfo;
  readonly creds?: Creds;
}

/** An HTTP response with its body read. */
export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** A non-2xx answer from a harness registry, without credentials in the message. */
export class HarnessHttpError extends Error {
  constructor(readonly method: string, readonly url: string, readonly status: number, readonly body: string) {
    super(`${method} ${url} -> ${status}: ${body.slice(0, 300)}`);
    this.name = 'HarnessHttpError';
  }
}

const agents = new Map<string, Agent>();
function agentFor(ca: string | undefined): Agent {
  const key = ca ?? '';
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ connect: ca ? { ca } : {}, keepAliveTimeout: 2000 });
    agents.set(key, agent);
  }
  return agent;
}

/** Close the pooled undici agents (optional; idle sockets do not keep the process alive). */
export async function closeClients(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.close()));
}

function credsOf(t: Target): Creds {
  if (t.creds !== undefined) return t.creds;
  return t.reg.username && t.reg.password ? { username: t.reg.username, password: t.reg.password } : null;
}

const basic = (c: NonNullable<Creds>): string =>
  `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;

const tokenCache = new Map<string, { token: string; until: number }>();

/** Fetch a bearer token for `repository:<repo>:<actions>` from the `token` registry's realm. */
export async function fetchToken(t: Target, repo: string, actions = 'pull,push,delete'): Promise<string> {
  const reg = t.reg;
  if (!reg.tokenUrl || !reg.service) throw new Error(`registry ${reg.name} has no token realm`);
  const c = credsOf(t);
  const key = `${reg.tokenUrl}|${c?.username ?? ''}|${repo}|${actions}`;
  const hit = tokenCache.get(key);
  if (hit && hit.until > Date.now()) return hit.token;
  const url = new URL(reg.tokenUrl);
  url.searchParams.set('service', reg.service);
  url.searchParams.append('scope', `repository:${repo}:${actions}`);
  const res = await request(url, {
    dispatcher: agentFor(reg.caPem),
    headers: c ? { authorization: basic(c) } : {},
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new HarnessHttpError('GET', `${reg.tokenUrl} (token)`, res.statusCode, text);
  const json = JSON.parse(text) as { token?: string; access_token?: string; expires_in?: number };
  const token = json.token ?? json.access_token;
  if (!token) throw new Error('token server answered without a token');
  tokenCache.set(key, { token, until: Date.now() + Math.max(10, (json.expires_in ?? 60) - 10) * 1000 });
  return token;
}

async function authHeader(t: Target, repo: string): Promise<string | undefined> {
  const c = credsOf(t);
  if (t.reg.tokenUrl) return `Bearer ${await fetchToken(t, repo)}`;
  return c ? basic(c) : undefined;
}

/** Request options of {@link call}. `noAuth`: send no Authorization at all (no token exchange). */
export interface CallOptions {
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array | string;
  readonly noAuth?: boolean;
}

/**
 * One request to `reg` for repository `repo`; `pathOrUrl` is a path (`/v2/...`) or an absolute
 * URL (upload Locations). Never throws on HTTP status; throws on network errors.
 */
export async function call(
  t: Target, repo: string, method: Dispatcher.HttpMethod, pathOrUrl: string, opts: CallOptions = {},
): Promise<Reply> {
  const url = new URL(pathOrUrl, t.reg.url);
  const auth = opts.noAuth ? undefined : await authHeader(t, repo);
  const res = await request(url, {
    method,
    dispatcher: agentFor(t.reg.caPem),
    headers: { ...(auth ? { authorization: auth } : {}), ...opts.headers },
    ...(opts.body !== undefined ? { body: opts.body } : {}),
  });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body };
}

/** {@link call}, but a status outside `ok` throws {@link HarnessHttpError}. */
export async function callOk(
  t: Target, repo: string, method: Dispatcher.HttpMethod, pathOrUrl: string,
  opts: CallOptions = {}, ok: readonly number[] = [200, 201, 202],
): Promise<Reply> {
  const r = await call(t, repo, method, pathOrUrl, opts);
  if (!ok.includes(r.status)) throw new HarnessHttpError(method, pathOrUrl, r.status, r.body.toString('utf8'));
  return r;
}

/** First value of a response header. */
export function header(r: Reply, name: string): string | undefined {
  const v = r.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
