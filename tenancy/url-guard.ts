/**
 * Tenant-supplied URLs (ServiceNow instance, Slack API base) must not become a way into our own
 * network: only https to public addresses, unless the operator has switched on the development
 * mode that the local simulators need (GATEHOUSE_ALLOW_INSECURE_TENANT_URLS=true).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export class UnsafeUrlError extends Error {
  override readonly name = 'UnsafeUrlError';
  readonly code = 'unsafe_url';
}

const privateRanges = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) privateRanges.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  privateRanges.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return privateRanges.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return privateRanges.check(mapped[1], 'ipv4');
    return privateRanges.check(address, 'ipv6');
  }
  return true;
}

export interface UrlPolicy {
  /** Development only: allow http and loopback/private hosts (the local simulators). */
  allowInsecure: boolean;
}

export function urlPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): UrlPolicy {
  return { allowInsecure: env.GATEHOUSE_ALLOW_INSECURE_TENANT_URLS === 'true' };
}

/** Syntax and scheme check, for validating settings before they are stored. */
export function checkUrlShape(raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('not a valid URL');
  }
  if (url.username || url.password) throw new UnsafeUrlError('URLs must not carry credentials');
  if (url.protocol !== 'https:' && !(policy.allowInsecure && url.protocol === 'http:')) {
    throw new UnsafeUrlError(`${url.protocol.replace(':', '')} is not allowed: use https`);
  }
  return url;
}

/** Full check, including where the host name resolves right now (run before every use). */
export async function assertSafeTenantUrl(raw: string, policy: UrlPolicy): Promise<URL> {
  const url = checkUrlShape(raw, policy);
  if (policy.allowInsecure) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new UnsafeUrlError(`host ${host} does not resolve`);
  if (addresses.some(isPrivateAddress)) throw new UnsafeUrlError(`host ${host} resolves to a private or loopback address`);
  return url;
}
