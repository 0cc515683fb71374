/**
 * Reading credentials out of containers `auth.json` and Docker `config.json` files (same
 * shape: `auths`, `credHelpers`, `credsStore`). Keys may be `host`, `https://host`,
 * `host/v1/` or `host/namespace/...`; a registry-level lookup matches host keys only.
 * Docker Hub is keyed `https://index.docker.io/v1/` (also `docker.io`, `index.docker.io`).
 */
import { DOCKER_HUB_ALIASES } from '../core/ref-grammar.js';
import type { Credential } from './auth.js';
import { RegistryError } from './errors.js';

/** The parts of an auth file we read. */
export interface AuthFile {
  readonly auths: Readonly<Record<string, AuthEntry>>;
  readonly credHelpers: Readonly<Record<string, string>>;
  readonly credsStore?: string;
}

interface AuthEntry {
  readonly auth?: unknown;
  readonly username?: unknown;
  readonly password?: unknown;
  readonly identitytoken?: unknown;
}

/** Parses an auth file; a malformed one is an AUTH error naming the file, never quoting it. */
export function parseAuthFile(text: string, file: string, registry: string): AuthFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new RegistryError('AUTH', `credentials file ${file} is not valid JSON`, { registry, cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RegistryError('AUTH', `credentials file ${file} is not a JSON object`, { registry });
  }
  const o = parsed as Record<string, unknown>;
  const auths = isRecord(o.auths) ? (o.auths as Record<string, AuthEntry>) : {};
  const helpers = isRecord(o.credHelpers)
    ? Object.fromEntries(Object.entries(o.credHelpers).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};
  const store = typeof o.credsStore === 'string' && o.credsStore !== '' ? o.credsStore : undefined;
  return { auths, credHelpers: helpers, ...(store ? { credsStore: store } : {}) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `https://host/v1/` → `host`; `host/ns/repo` stays as is (a namespace key). Lower-cased. */
export function normaliseKey(key: string): string {
  return key.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/v[12]\/?$/, '').replace(/\/+$/, '');
}

/** The host key forms a registry may be stored under. */
function registryKeys(registry: string): string[] {
  const r = registry.toLowerCase();
  return DOCKER_HUB_ALIASES.has(r) ? [...DOCKER_HUB_ALIASES] : [r];
}

/** The value stored under `registry`'s host key in `map`, if any. */
export function lookupHostKey<T>(map: Readonly<Record<string, T>>, registry: string): T | undefined {
  const wanted = new Set(registryKeys(registry));
  for (const [key, value] of Object.entries(map)) {
    if (wanted.has(normaliseKey(key))) return value;
  }
  return undefined;
}

/** The credential in an `auths` entry: `auth` (base64 user:pass), `username`/`password`, or `identitytoken`. */
export function entryCredential(entry: AuthEntry | undefined, file: string, registry: string): Credential | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') return { identityToken: entry.identitytoken };
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new RegistryError('AUTH', `credentials file ${file}: the auth entry for ${registry} is not base64 user:password`, { registry });
    }
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && entry.username !== '' && typeof entry.password === 'string') {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/** The server URL passed to credential helpers: Docker Hub's legacy URL, else the host. */
export function helperServerUrl(registry: string): string {
  return DOCKER_HUB_ALIASES.has(registry.toLowerCase()) ? 'https://index.docker.io/v1/' : registry;
}

/**
 * Turns a helper's `{ServerURL, Username, Secret}` output into a credential; `<token>` as
 * username means the secret is an identity token. Undefined when it has no secret.
 */
export function helperCredential(stdout: string, helper: string, registry: string): Credential | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (err) {
    throw new RegistryError('AUTH', `credential helper docker-credential-${helper} printed unreadable output`, { registry, cause: err });
  }
  const o = isRecord(parsed) ? parsed : {};
  const username = typeof o.Username === 'string' ? o.Username : '';
  const secret = typeof o.Secret === 'string' ? o.Secret : '';
  if (secret === '') return undefined;
  if (username === '<token>') return { identityToken: secret };
  return { username, password: secret };
}
