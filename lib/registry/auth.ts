/**
 * Registry authentication: one `/v2/` ping per registry (its challenge is cached and reused,
 * gcr.io omits it later), the scheme choice (`--tls-verify=false` falls back to plain HTTP),
 * Basic credentials, and the Bearer token exchange with a token cache and single-flight.
 */
import type { RequestStats } from '../ports.js';
import { SharedFlights, untilAborted } from './abort.js';
import { findChallenge, parseChallenges, type Challenge } from './challenge.js';
import { RegistryError, sanitizeUrl } from './errors.js';
import { apiHost } from './host.js';
import { isConnectionLevel } from './net-errors.js';
import type { Guard } from './security.js';
import { fetchToken } from './token-request.js';
import { TokenCache, tokenKey } from './token-cache.js';
import type { Transport } from './transport.js';

/** Registry credentials: a user and password, or an identity (OAuth2 refresh) token. */
export type Credential =
  | { readonly username: string; readonly password: string }
  | { readonly identityToken: string };

/** Looks up the credentials of a registry (by its name, e.g. `docker.io`). */
export type CredentialLookup = (registry: string) => Promise<Credential | undefined>;

/** What the ping of one registry established. */
export interface Endpoint {
  readonly registry: string;
  /** `https://host[:port]` or, after a `--tls-verify=false` fallback, `http://…`. */
  readonly origin: string;
  /** Challenges of the `/v2/` 401; empty when the registry answered 200 (no auth). */
  readonly challenges: readonly Challenge[];
  /** True when `/v2/` answered 401. */
  readonly authRequired: boolean;
}

export interface AuthenticatorOptions {
  readonly transport: Transport;
  readonly guard: Guard;
  readonly tlsVerify: boolean;
  readonly credentials?: CredentialLookup;
  readonly tokens?: TokenCache;
}

/**
 * Pings, chooses the scheme and produces `Authorization` values. Shared by every reader of a
 * client: a ping or token fetch in flight is shared too, and aborted only when every reader
 * waiting for it has been cancelled.
 */
export class Authenticator {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly pings = new SharedFlights<Endpoint>();
  private readonly creds = new Map<string, Promise<Credential | undefined>>();
  /** Credentials already looked up, and their Basic `Authorization` values: no promise or encoding per request. */
  private readonly known = new Map<string, { credential: Credential | undefined; basic?: string }>();
  private readonly tokens: TokenCache;

  constructor(private readonly opts: AuthenticatorOptions) {
    this.tokens = opts.tokens ?? new TokenCache();
  }

  /** The registry's endpoint, pinging `/v2/` on first use (single-flight; failures are not cached). */
  async endpoint(registry: string, stats: RequestStats, signal?: AbortSignal): Promise<Endpoint> {
    const key = registry.toLowerCase();
    const known = this.endpoints.get(key);
    if (known) return known;
    const ep = await this.pings.run(key, signal, (shared) => this.ping(registry, stats, shared));
    this.endpoints.set(key, ep);
    return ep;
  }

  private async ping(registry: string, stats: RequestStats, signal: AbortSignal): Promise<Endpoint> {
    const host = apiHost(registry);
    try {
      return await this.pingAt(registry, `https://${host}`, stats, signal);
    } catch (err) {
      if (this.opts.tlsVerify || !isConnectionLevel(err)) throw err;
      this.opts.transport.debug(`${registry}: HTTPS failed, falling back to plain HTTP`);
      return this.pingAt(registry, `http://${host}`, stats, signal);
    }
  }

  private async pingAt(registry: string, origin: string, stats: RequestStats, signal: AbortSignal): Promise<Endpoint> {
    const res = await this.opts.transport.send({
      registry, method: 'GET', url: new URL('/v2/', origin), kind: 'ping', maxBytes: 64 * 1024, what: 'ping response', signal,
    }, stats);
    const authRequired = res.status === 401;
    const challenges = authRequired ? parseChallenges(res.headers['www-authenticate']) : [];
    return { registry, origin, challenges, authRequired };
  }

  /** The registry's credentials (looked up once per client). */
  credential(registry: string): Promise<Credential | undefined> {
    const key = registry.toLowerCase();
    let p = this.creds.get(key);
    if (!p) {
      p = this.opts.credentials ? this.opts.credentials(registry) : Promise.resolve(undefined);
      this.creds.set(key, p);
      p.then((credential) => {
        if (this.creds.get(key) === p) this.known.set(key, { credential, ...basicOf(credential) });
      }, () => this.creds.delete(key));
    }
    return p;
  }

  /**
   * The `Authorization` value for requests needing `scopes`, or undefined (anonymous).
   * `challenge` overrides the ping's (a 401 naming another scope); `force` skips the cache.
   */
  async authorization(
    ep: Endpoint, scopes: readonly string[], stats: RequestStats,
    opts: { challenge?: Challenge; force?: boolean; signal?: AbortSignal | undefined } = {},
  ): Promise<string | undefined> {
    if (!ep.authRequired && !opts.challenge) return undefined;
    const known = this.known.get(ep.registry.toLowerCase());
    const cred = known ? known.credential : await untilAborted(this.credential(ep.registry), opts.signal);
    const bearer = opts.challenge ?? findChallenge(ep.challenges, 'bearer');
    if (bearer && bearer.scheme === 'bearer') {
      const token = await this.bearer(ep, bearer, scopes, cred, stats, opts.force ?? false, opts.signal);
      return `Bearer ${token}`;
    }
    return known ? known.basic : basicOf(cred).basic;
  }

  /** Drop the cached token for `scopes` (the registry refused it). */
  forget(ep: Endpoint, scopes: readonly string[]): void {
    this.tokens.invalidate(tokenKey(ep.registry, scopes));
  }

  private async bearer(
    ep: Endpoint, challenge: Challenge, scopes: readonly string[], cred: Credential | undefined,
    stats: RequestStats, force: boolean, signal: AbortSignal | undefined,
  ): Promise<string> {
    const { registry } = ep;
    const realmText = challenge.params.realm;
    let realm: URL;
    try {
      realm = new URL(realmText ?? '');
    } catch {
      throw new RegistryError('AUTH', `${registry}: Bearer challenge without a valid realm`, { registry });
    }
    if (ep.origin.startsWith('https:') && realm.protocol !== 'https:') {
      throw new RegistryError('AUTH', `${registry}: refusing non-https token realm ${sanitizeUrl(realm)}`, { registry });
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      throw new RegistryError('AUTH', `${registry}: unsupported token realm scheme ${realm.protocol}`, { registry });
    }
    const key = tokenKey(registry, scopes);
    if (force) this.tokens.invalidate(key);
    return this.tokens.getOrFetch(key, async (shared) => {
      await this.opts.guard.checkHost(realm, registry, 'token realm');
      return fetchToken(this.opts.transport, {
        registry, realm, service: challenge.params.service, scopes, credential: cred, signal: shared,
      }, stats);
    }, signal);
  }
}

/** The Basic `Authorization` value of a username/password credential. */
function basicOf(cred: Credential | undefined): { basic?: string } {
  return cred && 'username' in cred ? { basic: `Basic ${Buffer.from(`${cred.username}:${cred.password}`, 'utf8').toString('base64')}` } : {};
}
