/**
 * One authenticated registry API call: allowlist check, ping, `Authorization`, send, and on a
 * Bearer 401 (`insufficient_scope`, or an expired token) one retry with a fresh token for the
 * scope the registry named. Then the fail-closed status mapping: only 404 or an `*_UNKNOWN`
 * code means absent.
 */
import type { ImageRef } from '../core/types.js';
import type { RequestStats } from '../ports.js';
import type { Authenticator } from './auth.js';
import { findChallenge, parseChallenges, splitScopes } from './challenge.js';
import { RegistryError, describeDiagnostics, parseErrorBody } from './errors.js';
import { isDockerHub } from './host.js';
import type { Guard } from './security.js';
import type { HttpRequest, HttpResponse, Transport } from './transport.js';

/** What a registry call needs from its client, and (per reader) the signal that cancels it. */
export interface Session {
  readonly transport: Transport;
  readonly auth: Authenticator;
  readonly guard: Guard;
  readonly signal?: AbortSignal;
}

/** A call on `/v2/<repository>/<path>`. */
export interface ApiCall {
  readonly method: 'GET' | 'HEAD';
  readonly path: string;
  readonly kind: HttpRequest['kind'];
  readonly maxBytes: number;
  readonly what: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Performs `call` on `repo`'s registry and returns the response (any status but a retried one). */
export async function apiRequest(s: Session, repo: ImageRef, call: ApiCall, stats: RequestStats): Promise<HttpResponse> {
  const { registry } = repo;
  const { signal } = s;
  signal?.throwIfAborted();
  s.guard.checkRegistry(registry);
  const ep = await s.auth.endpoint(registry, stats, signal);
  const scopes = [`repository:${repo.repository}:pull`];
  const url = new URL(`/v2/${repo.repository}/${call.path}`, ep.origin);
  const send = (authorization: string | undefined): Promise<HttpResponse> => s.transport.send({
    registry, method: call.method, url, kind: call.kind, maxBytes: call.maxBytes, what: call.what,
    ...(call.headers ? { headers: call.headers } : {}),
    ...(authorization !== undefined ? { authorization } : {}),
    ...(signal ? { signal } : {}),
  }, stats);

  let res = await send(await s.auth.authorization(ep, scopes, stats, { signal }));
  if (res.status !== 401) return res;
  const challenge = findChallenge(parseChallenges(res.headers['www-authenticate']), 'bearer');
  if (!challenge) return res;
  const named = splitScopes(challenge.params.scope);
  const retryScopes = named.length > 0 ? named : scopes;
  res = await send(await s.auth.authorization(ep, retryScopes, stats, { challenge, force: true, signal }));
  if (res.status === 401) s.auth.forget(ep, retryScopes);
  return res;
}

/** Error codes that prove absence. */
function provesAbsence(code: string): boolean {
  return code.endsWith('_UNKNOWN') || code === 'NOT_FOUND';
}

/**
 * `'ok'` for 2xx, `null` when the registry proved absence (404, or a 4xx with an `*_UNKNOWN`
 * or Harbor `NOT_FOUND` code); throws AUTH for 401/403 and NETWORK for anything else. Absence
 * is proven only by the registry itself: a 404 from another origin, after a redirect, is NETWORK.
 */
export function interpret(res: HttpResponse, repo: ImageRef, subject: string): 'ok' | null {
  if (res.status >= 200 && res.status < 300) return 'ok';
  const diags = parseErrorBody(res.body);
  const detail = describeDiagnostics(diags);
  const suffix = detail ? `: ${detail}` : '';
  const { registry } = repo;
  const absent = res.status === 404
    || (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403 && diags.some((d) => provesAbsence(d.code)));
  if (absent && res.crossOrigin) {
    throw new RegistryError('NETWORK', `${registry}: ${subject} in ${repo.repository} was redirected to ${res.url.origin}, which answered ${res.status}; `
      + 'only the registry itself can prove that something does not exist', { registry, status: res.status });
  }
  if (res.status === 401 || res.status === 403) {
    const hub = isDockerHub(registry) ? ' (Docker Hub answers 401 for repositories that do not exist too)' : '';
    throw new RegistryError('AUTH', `${registry}: access to ${repo.repository} denied (${res.status}) for ${subject}${hub}${suffix}`, {
      registry, status: res.status,
    });
  }
  if (absent) return null;
  throw new RegistryError('NETWORK', `${registry}: unexpected HTTP ${res.status} for ${subject} in ${repo.repository}${suffix}`, {
    registry, status: res.status,
  });
}
