/**
 * The undici connector of a guarded client: every connection the registry client opens
 * (registry, token realm, redirect target) is checked against the {@link Guard} on the address
 * it actually connects to. Host names are resolved by the guard's own lookup, which refuses the
 * connection when any address is not allowed and hands the checked addresses to the socket;
 * address literals are checked directly (Node does not look them up).
 */
import { isIP } from 'node:net';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { buildConnector } from 'undici';
import { buildConnector as build } from './undici-parts.js';
import type { Guard } from './security.js';

type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void;

/** Connectors are kept per origin (they hold the TLS session cache); a bound on how many. */
const MAX_CONNECTORS = 256;

/** A `connect` function for undici's Agent that applies `guard` to each connection. */
export function guardedConnector(guard: Guard, options: buildConnector.BuildOptions): buildConnector.connector {
  const connectors = new Map<string, buildConnector.connector>();
  const connectorFor = (hostname: string, port: number): buildConnector.connector => {
    const key = `${hostname}:${port}`;
    let c = connectors.get(key);
    if (!c) {
      const lookup = (name: string, opts: LookupOptions, cb: LookupCallback): void => {
        guard.resolve(name, port).then(
          (addrs) => (opts.all ? cb(null, addrs) : cb(null, addrs[0]!.address, addrs[0]!.family)),
          (err: Error) => cb(err, []),
        );
      };
      if (connectors.size >= MAX_CONNECTORS) connectors.clear();
      c = build({ ...options, lookup } as buildConnector.BuildOptions);
      connectors.set(key, c);
    }
    return c;
  };
  return (opts, callback) => {
    const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
    const host = opts.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      guard.resolve(host, port).then(() => connectorFor(host, port)(opts, callback), (err: Error) => callback(err, null));
      return;
    }
    connectorFor(host, port)(opts, callback);
  };
}
