/**
 * The registry allowlist of the validator Lambda (SPEC §6): the registry names a list line may
 * point at. The registry client refuses any other registry with `NOT_ALLOWED`, and refuses
 * token realms and redirect targets that resolve to internal addresses.
 *
 * Entries are `host`, `host:port` or `*.domain` (any subdomain of `domain`). Some registries are
 * served by more than one host; naming the registry adds the hosts it is known to use:
 *
 * | Registry         | Adds                                                                  |
 * |------------------|-----------------------------------------------------------------------|
 * | `docker.io`      | `registry-1.docker.io`, `auth.docker.io`, `production.cloudflare.docker.com` |
 * | `ghcr.io`        | `pkg-containers.githubusercontent.com`                                |
 * | `quay.io`        | `cdn01.quay.io`, `cdn02.quay.io`, `cdn03.quay.io`                     |
 */
import { invalid } from './context-values.js';

/** Hosts implied by a registry name (API host, token realm, blob CDN). */
export const IMPLIED_HOSTS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'docker.io': ['registry-1.docker.io', 'auth.docker.io', 'production.cloudflare.docker.com'],
  'ghcr.io': ['pkg-containers.githubusercontent.com'],
  'quay.io': ['cdn01.quay.io', 'cdn02.quay.io', 'cdn03.quay.io'],
});

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*(?::\\d{1,5})?$`);

/** Lowercases and checks one allowlist entry; `index.docker.io` becomes `docker.io`. */
export function normalizeRegistry(key: string, entry: string): string {
  const e = entry.trim().toLowerCase();
  if (!HOST.test(e) || e.length > 253) return invalid(key, 'a registry host, host:port or *.domain', entry);
  const port = /:(\d+)$/.exec(e)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return invalid(key, 'a port from 1 to 65535', entry);
  return e === 'index.docker.io' ? 'docker.io' : e;
}

/**
 * The configured registries plus their implied hosts, de-duplicated, in a stable order.
 *
 * @example
 * expandAllowlist(['docker.io']);
 * // ['docker.io', 'registry-1.docker.io', 'auth.docker.io', 'production.cloudflare.docker.com']
 */
export function expandAllowlist(registries: readonly string[]): string[] {
  const out = new Set<string>();
  for (const r of registries) {
    out.add(r);
    for (const implied of IMPLIED_HOSTS[r] ?? []) out.add(implied);
  }
  return [...out];
}
