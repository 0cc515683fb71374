/**
 * SSRF protection for the serverless validator: with an allowlist configured, only listed
 * registries are contacted, and hosts we are sent to by a registry (token realms, redirect
 * targets) must not resolve to loopback, private, link-local (169.254.169.254) or otherwise
 * internal addresses. Without an allowlist (the local CLI) everything is allowed.
 *
 * The address check resolves the name before the request; undici resolves it again when it
 * connects, so a DNS answer that changes in between is not caught (accepted residual risk).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { RegistryError } from './errors.js';
import { apiHost } from './host.js';

/** Resolves a host name to its addresses (injectable for tests). */
export type Resolver = (hostname: string) => Promise<string[]>;

export const defaultResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv6');
}

/** True for loopback, private, link-local, CGNAT, multicast and unspecified addresses. */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return INTERNAL.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true; // not an address: refuse rather than guess
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Enforces the allowlist and the internal-address rule. A no-op without an allowlist. */
export class Guard {
  private readonly allow?: readonly string[];

  constructor(allowlist: readonly string[] | undefined, private readonly resolver: Resolver = defaultResolver) {
    if (allowlist) this.allow = allowlist.map((e) => e.trim().toLowerCase()).filter((e) => e.length > 0);
  }

  /** Throws NOT_ALLOWED when an allowlist is set and `registry` is not on it (`*.domain` entries allowed). */
  checkRegistry(registry: string): void {
    if (!this.allow) return;
    const names = [registry.toLowerCase(), apiHost(registry)];
    const ok = this.allow.some((entry) =>
      names.some((n) => n === entry || (entry.startsWith('*.') && n.endsWith(entry.slice(1)))));
    if (!ok) {
      throw new RegistryError('NOT_ALLOWED', `${registry}: registry is not on the allowlist`, { registry });
    }
  }

  /** Throws NOT_ALLOWED when an allowlist is set and `url`'s host resolves to an internal address. */
  async checkHost(url: URL, registry: string, role: string): Promise<void> {
    if (!this.allow) return;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await this.resolver(host);
    } catch (err) {
      throw new RegistryError('NETWORK', `${registry}: cannot resolve ${role} host ${host}`, { registry, cause: err });
    }
    if (addresses.length === 0 || addresses.some(isInternalAddress)) {
      throw new RegistryError('NOT_ALLOWED', `${registry}: ${role} host ${host} resolves to an internal address`, {
        registry,
      });
    }
  }
}
