/**
 * The Docker token exchange: `GET <realm>?service=…&scope=…&scope=…` with Basic credentials
 * or anonymously, or an OAuth2 refresh-token POST for identity tokens (falling back to GET when
 * the realm answers 404/405). Token bodies are capped at 1 MiB.
 */
import type { RequestStats } from '../ports.js';
import type { Credential } from './auth.js';
import { RegistryError, describeDiagnostics, parseErrorBody, sanitizeUrl } from './errors.js';
import type { IssuedToken } from './token-cache.js';
import type { HttpResponse, Transport } from './transport.js';

/** Token responses larger than this are refused. */
export const TOKEN_BODY_CAP = 1024 * 1024;
/** `expires_in` default and floor, in seconds. */
export const MIN_TOKEN_LIFETIME_SEC = 60;

export interface TokenRequest {
  readonly registry: string;
  readonly realm: URL;
  readonly service?: string;
  readonly scopes: readonly string[];
  readonly credential?: Credential;
  /** Cancels the exchange (every image waiting for this token gave up). */
  readonly signal?: AbortSignal;
}

/** Fetches one token. Throws AUTH when refused or unreadable. */
export async function fetchToken(transport: Transport, req: TokenRequest, stats: RequestStats): Promise<IssuedToken> {
  const cred = req.credential;
  let res: HttpResponse | undefined;
  if (cred && 'identityToken' in cred) {
    res = await postRefreshToken(transport, req, cred.identityToken, stats);
    if (res.status === 404 || res.status === 405) res = undefined;
  }
  if (!res) {
    const url = new URL(req.realm);
    if (req.service !== undefined) url.searchParams.set('service', req.service);
    for (const scope of req.scopes) url.searchParams.append('scope', scope);
    const authorization = cred && 'username' in cred
      ? `Basic ${Buffer.from(`${cred.username}:${cred.password}`, 'utf8').toString('base64')}`
      : undefined;
    res = await transport.send({
      registry: req.registry, method: 'GET', url, kind: 'token', maxBytes: TOKEN_BODY_CAP, what: 'token response',
      ...(authorization ? { authorization } : {}), ...(req.signal ? { signal: req.signal } : {}),
    }, stats);
  }
  return readToken(req, res);
}

async function postRefreshToken(
  transport: Transport, req: TokenRequest, refreshToken: string, stats: RequestStats,
): Promise<HttpResponse> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'mirror-validate' });
  if (req.service !== undefined) form.set('service', req.service);
  if (req.scopes.length > 0) form.set('scope', req.scopes.join(' '));
  return transport.send({
    registry: req.registry, method: 'POST', url: req.realm, kind: 'token', maxBytes: TOKEN_BODY_CAP,
    what: 'token response', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(),
    ...(req.signal ? { signal: req.signal } : {}),
  }, stats);
}

function readToken(req: TokenRequest, res: HttpResponse): IssuedToken {
  const where = sanitizeUrl(req.realm);
  if (res.status !== 200) {
    const diags = describeDiagnostics(parseErrorBody(res.body));
    const why = res.status === 401 || res.status === 403 ? 'credentials rejected' : 'unexpected status';
    throw new RegistryError('AUTH', `${req.registry}: token request to ${where} failed (${res.status}, ${why})${diags ? `: ${diags}` : ''}`, {
      registry: req.registry, status: res.status,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(res.body).toString('utf8'));
  } catch (err) {
    throw new RegistryError('AUTH', `${req.registry}: token response from ${where} is not JSON`, { registry: req.registry, cause: err });
  }
  const body = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const token = nonEmpty(body.token) ?? nonEmpty(body.access_token);
  if (token === undefined) {
    throw new RegistryError('AUTH', `${req.registry}: token response from ${where} carries no token`, { registry: req.registry });
  }
  const expires = typeof body.expires_in === 'number' && Number.isFinite(body.expires_in) ? body.expires_in : 0;
  return { token, expiresInSec: Math.max(MIN_TOKEN_LIFETIME_SEC, expires) };
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
