/**
 * SSRF protection for the serverless validator. With an allowlist configured:
 *
 * - only listed registries are contacted (`host`, `host:port` or `*.domain` entries);
 * - every address the client connects to is checked, at connection time, by the lookup the
 *   connection itself uses (connector.ts), so a DNS answer that changes between a check and the
 *   connection (rebinding) is caught: the registry, its token realm and every redirect target;
 * - loopback, link-local (169.254.169.254, the Lambda runtime API on 127.0.0.1), unspecified
 *   and multicast addresses are always refused;
 * - private addresses (RFC 1918, CGNAT, unique-local IPv6) are allowed only for hosts named
 *   explicitly on the allowlist (not through a `*.domain` entry): a Harbor inside a VPC and its
 *   token realm on its own host work, while a public registry cannot send the client inside.
 *
 * Without an allowlist (the local CLI) everything is allowed. `loopback: true` lets explicitly
 * listed hosts be on loopback too: local test stands only, never a deployed stack.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { RegistryError } from './errors.js';
import { apiHost } from './host.js';

/** Resolves a host name to its addresses (injectable for tests). */
export type Resolver = (hostname: string) => Promise<string[]>;

export const defaultResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** What an address is, for the rules above. */
export type AddressClass = 'public' | 'private' | 'loopback' | 'link-local' | 'reserved';

const RANGES: readonly (readonly [Exclude<AddressClass, 'public'>, string, number, 'ipv4' | 'ipv6'])[] = [
  ['loopback', '127.0.0.0', 8, 'ipv4'], ['loopback', '::1', 128, 'ipv6'],
  ['link-local', '169.254.0.0', 16, 'ipv4'], ['link-local', 'fe80::', 10, 'ipv6'],
  ['reserved', '0.0.0.0', 8, 'ipv4'], ['reserved', '224.0.0.0', 3, 'ipv4'], ['reserved', '::', 128, 'ipv6'],
  ['reserved', '::', 96, 'ipv6'], ['reserved', 'ff00::', 8, 'ipv6'],
  ['private', '10.0.0.0', 8, 'ipv4'], ['private', '100.64.0.0', 10, 'ipv4'], ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.0.0.0', 24, 'ipv4'], ['private', '192.168.0.0', 16, 'ipv4'], ['private', '198.18.0.0', 15, 'ipv4'],
  ['private', 'fc00::', 7, 'ipv6'],
];
const LISTS = new Map<Exclude<AddressClass, 'public'>, BlockList>();
for (const [cls, net, prefix, family] of RANGES) {
  if (!LISTS.has(cls)) LISTS.set(cls, new BlockList());
  LISTS.get(cls)!.addSubnet(net, prefix, family);
}

/** The IPv4 address inside a NAT64 address (`64:ff9b::a.b.c.d` or `64:ff9b::a9fe:a9fe`). */
function nat64(address: string): string | undefined {
  const m = /^64:ff9b::(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!m) return undefined;
  if (m[1]) return m[1];
  const [hi, lo] = [parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** The class of `address`; IPv4-mapped (`::ffff:…`) and NAT64 (`64:ff9b::…`) addresses count as their IPv4 address. */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 0) return 'reserved'; // not an address: refuse rather than guess
  const v4 = family === 6 ? nat64(address) : undefined;
  if (v4 !== undefined) return classifyAddress(v4);
  if (family === 6 && /^64:ff9b:/i.test(address)) return 'reserved';
  for (const [cls, list] of LISTS) if (list.check(address, family === 4 ? 'ipv4' : 'ipv6')) return cls;
  return 'public';
}

/** True for every address that is not public. */
export function isInternalAddress(address: string): boolean {
  return classifyAddress(address) !== 'public';
}

export interface GuardOptions {
  /** When set, the rules of the module doc apply. */
  readonly allowlist?: readonly string[];
  readonly resolver?: Resolver;
  /** Explicitly listed hosts may be on loopback (local test stands only). */
  readonly loopback?: boolean;
}

/** An address a connection may use. */
export interface CheckedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Enforces the allowlist and the address rules. A no-op without an allowlist. */
export class Guard {
  private readonly allow?: readonly string[];
  private readonly resolver: Resolver;

  constructor(private readonly opts: GuardOptions = {}) {
    if (opts.allowlist) this.allow = opts.allowlist.map((e) => e.trim().toLowerCase()).filter((e) => e.length > 0);
    this.resolver = opts.resolver ?? defaultResolver;
  }

  /** True when an allowlist is configured (connections are then checked). */
  get active(): boolean {
    return this.allow !== undefined;
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

  /** Why `address` may not be connected to for `host:port`; undefined when it may. */
  refusal(host: string, port: number, address: string): string | undefined {
    if (!this.allow) return undefined;
    const cls = classifyAddress(address);
    if (cls === 'public') return undefined;
    const explicit = this.allow.includes(host.toLowerCase()) || this.allow.includes(`${host.toLowerCase()}:${port}`);
    if (explicit && (cls === 'private' || (cls === 'loopback' && this.opts.loopback))) return undefined;
    const why = cls === 'private' ? `${cls} ${address}, and the host is not named explicitly on the allowlist` : `${cls} ${address}`;
    return `host ${host} resolves to an internal address (${why})`;
  }

  /**
   * The addresses a connection to `host:port` may use: every address the name resolves to,
   * each checked (one refused address refuses the connection).
   * @throws RegistryError NOT_ALLOWED (registry = host) or NETWORK when the name does not resolve.
   */
  async resolve(host: string, port: number): Promise<CheckedAddress[]> {
    const bare = host.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = isIP(bare) ? [bare] : await this.resolver(bare);
    } catch (err) {
      throw new RegistryError('NETWORK', `cannot resolve host ${bare}`, { registry: bare, cause: err });
    }
    if (addresses.length === 0) throw new RegistryError('NETWORK', `host ${bare} has no address`, { registry: bare });
    for (const a of addresses) {
      const why = this.refusal(bare, port, a);
      if (why) throw new RegistryError('NOT_ALLOWED', why, { registry: bare });
    }
    return addresses.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
  }

  /**
   * Early check of a host we are sent to (`role`: token realm, redirect target), before any
   * request; the connection checks again (that check is the one that counts).
   */
  async checkHost(url: URL, registry: string, role: string): Promise<void> {
    if (!this.allow) return;
    try {
      await this.resolve(url.hostname, portOf(url));
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      throw new RegistryError(err.code, `${registry}: ${role} ${err.message}`, { registry, cause: err });
    }
  }
}

/** The port of `url`, defaults filled in. */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}
