/**
 * The fetch every tenant connector uses: each connection it opens, including those of
 * redirects, is checked against the egress policy at connect time. The check runs in the DNS
 * lookup the socket itself uses, so the address checked is the address connected to: a name
 * that answered with a public address when the URL was saved and answers 127.0.0.1 now is
 * refused. IP-literal hosts skip DNS entirely, so they are checked before the connector runs.
 */
import type { LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { isAllowedOrigin, normaliseHost, systemResolver, type Resolver, type UrlPolicy } from './egress-policy';
import { connectionRefusal, nameRefusal } from './url-guard';

export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';
  readonly code = 'egress_refused';
}

/** A `dns.lookup` for sockets: resolves with `resolve` and fails when any answer is refused. */
export function guardedLookup(resolve: Resolver, allowedOrigin: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const host = normaliseHost(hostname);
    resolve(hostname).then((addresses) => {
      // Every answer is checked, not only the one picked: the socket may fall back to another.
      for (const { address } of addresses) {
        const refusal = connectionRefusal(host, address, allowedOrigin);
        if (refusal) return callback(new EgressRefusedError(refusal), []);
      }
      const wanted: LookupAddress[] = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
      const first = wanted[0];
      if (!first) return callback(Object.assign(new Error(`host ${host} does not resolve`), { code: 'ENOTFOUND' }), []);
      return options.all ? callback(null, wanted) : callback(null, first.address, first.family);
    }, (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), []));
  };
}

/** An undici connector that refuses disallowed hosts and schemes, then connects through the guarded lookup. */
export function guardedConnector(policy: UrlPolicy): buildConnector.connector {
  const resolve = policy.resolve ?? systemResolver;
  const strict = buildConnector({ lookup: guardedLookup(resolve, false) });
  const allowList = buildConnector({ lookup: guardedLookup(resolve, true) });
  return (options, callback) => {
    const host = normaliseHost(options.hostname);
    const allowed = isAllowedOrigin(policy, options.protocol, host, options.port);
    const refusal = nameRefusal(host, allowed) ?? (isIP(host) ? connectionRefusal(host, host, allowed) : undefined)
      ?? (options.protocol !== 'https:' && !allowed ? `${options.protocol.replace(':', '')} to ${host} is not allowed: use https` : undefined);
    if (refusal) return callback(new EgressRefusedError(refusal), null);
    return (allowed ? allowList : strict)(options, callback);
  };
}

const fetches = new WeakMap<UrlPolicy, typeof fetch>();

/** A fetch bound to the policy's guarded connection pool (one pool per policy, shared by all clients). */
export function guardedFetch(policy: UrlPolicy): typeof fetch {
  let bound = fetches.get(policy);
  if (!bound) {
    const dispatcher = new Agent({ connect: guardedConnector(policy) });
    // Node's fetch takes any undici dispatcher at run time, but its types are those of the undici
    // bundled with Node, not of the `undici` package: the intersection satisfies both.
    bound = (input, init) => fetch(input, Object.assign({}, init, { dispatcher }));
    fetches.set(policy, bound);
  }
  return bound;
}
