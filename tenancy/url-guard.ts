/**
 * Tenant-supplied URLs (ServiceNow instance, Slack API base, GitHub base) must not become a way
 * into our own network: only https to public addresses, unless the operator lists the origin in
 * GATEHOUSE_ALLOWED_PRIVATE_ORIGINS; metadata endpoints never. This is the check on save and
 * before use; the HTTP clients check again on every connection (./guarded-fetch), because a
 * name can resolve differently by the time it is used.
 */
import { isIP } from 'node:net';
import { addressRefusal, isLocalhostName, isMetadataName } from './address-ranges';
import { isAllowedOrigin, normaliseHost, systemResolver, type UrlPolicy } from './egress-policy';

export { urlPolicyFromEnv, parseAllowedOrigins, type UrlPolicy } from './egress-policy';
export { isPrivateAddress } from './address-ranges';

export class UnsafeUrlError extends Error {
  override readonly name = 'UnsafeUrlError';
  readonly code = 'unsafe_url';
}

/** Why a connection to this address is refused, or undefined; metadata is refused even when the origin is allowed. */
export function connectionRefusal(host: string, address: string, allowedOrigin: boolean): string | undefined {
  const reason = addressRefusal(address);
  if (reason === undefined || (allowedOrigin && reason !== 'metadata')) return undefined;
  return host === address ? `host ${host} is a ${reason} address` : `host ${host} resolves to ${address}, a ${reason} address`;
}

/** Refusals decided by the name alone: metadata names always, localhost unless allowed. */
export function nameRefusal(host: string, allowedOrigin: boolean): string | undefined {
  if (isMetadataName(host)) return `host ${host} is a metadata address`;
  if (!allowedOrigin && isLocalhostName(host)) return `host ${host} is a loopback address`;
  return undefined;
}

/**
 * Scheme, credentials, host spelling and where the host resolves right now. A name that does
 * not resolve is let through (DNS may be down, or the record not yet created): the connection
 * check refuses it later if it comes to resolve somewhere it must not.
 */
export async function assertSafeTenantUrl(raw: string, policy: UrlPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('not a valid URL');
  }
  if (url.username || url.password) throw new UnsafeUrlError('URLs must not carry credentials');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UnsafeUrlError(`${url.protocol.replace(':', '')} is not allowed: use https`);
  // WHATWG URL has already rewritten 2130706433, 0x7f.0.0.1 and 0177.0.0.1 as 127.0.0.1, and ::ffff:127.0.0.1 as ::ffff:7f00:1.
  const host = normaliseHost(url.hostname);
  if (!host) throw new UnsafeUrlError('URL has no host');
  const allowed = isAllowedOrigin(policy, url.protocol, host, url.port);
  if (url.protocol !== 'https:' && !allowed) throw new UnsafeUrlError('http is not allowed: use https');
  const refusal = nameRefusal(host, allowed) ?? (isIP(host) ? connectionRefusal(host, host, allowed) : await resolvedRefusal(host, allowed, policy));
  if (refusal) throw new UnsafeUrlError(refusal);
  return url;
}

async function resolvedRefusal(host: string, allowed: boolean, policy: UrlPolicy): Promise<string | undefined> {
  const addresses = await (policy.resolve ?? systemResolver)(host).catch(() => []);
  for (const { address } of addresses) {
    const refusal = connectionRefusal(host, address, allowed);
    if (refusal) return refusal;
  }
  return undefined;
}
