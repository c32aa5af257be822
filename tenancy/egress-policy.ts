/**
 * Where tenant-supplied URLs may lead besides public https: an operator's explicit list of
 * private origins (the local simulators, an on-premises ServiceNow), read from
 * GATEHOUSE_ALLOWED_PRIVATE_ORIGINS=http://127.0.0.1:4010,http://127.0.0.1:* . A `*` port
 * matches any port, because the test suite's and demo's simulators listen on random ones.
 */
import { lookup } from 'node:dns/promises';

/** One allowed origin; `port` undefined means any port. */
export interface AllowedOrigin {
  protocol: 'http:' | 'https:';
  host: string;
  port: string | undefined;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has; injectable so tests can change DNS answers. */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export interface UrlPolicy {
  /** Origins that may be plain http or resolve to private addresses (never to metadata ones). */
  allowedPrivateOrigins: readonly AllowedOrigin[];
  /** Default: the system resolver (what the HTTP stack would use). */
  resolve?: Resolver;
}

export const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/** Host as compared everywhere: lower-case, without IPv6 brackets or a trailing dot (`localhost.` is `localhost`). */
export function normaliseHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '').toLowerCase();
}

export function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/** Parses the comma-separated allow-list; a malformed entry stops the process rather than being skipped. */
export function parseAllowedOrigins(list: string): AllowedOrigin[] {
  return list.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const match = /^(https?):\/\/(\[[^\]]+\]|[^/:[\]]+)(?::(\d{1,5}|\*))?\/?$/i.exec(entry);
    if (!match?.[1] || !match[2]) throw new Error(`GATEHOUSE_ALLOWED_PRIVATE_ORIGINS: "${entry}" is not an origin like http://127.0.0.1:4010 or http://127.0.0.1:*`);
    const protocol = match[1].toLowerCase() === 'https' ? 'https:' : 'http:';
    // The URL parser gives the host the spelling a request URL will have (2130706433 → 127.0.0.1).
    const host = normaliseHost(new URL(`${protocol}//${match[2]}`).hostname);
    const port = match[3] === '*' ? undefined : match[3] ?? defaultPort(protocol);
    return { protocol, host, port };
  });
}

export function urlPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): UrlPolicy {
  return { allowedPrivateOrigins: parseAllowedOrigins(env.GATEHOUSE_ALLOWED_PRIVATE_ORIGINS ?? '') };
}

/** Whether protocol + host + port (empty: the scheme's default) is on the allow-list. */
export function isAllowedOrigin(policy: UrlPolicy, protocol: string, hostname: string, port: string): boolean {
  const host = normaliseHost(hostname);
  const effectivePort = port || defaultPort(protocol);
  return policy.allowedPrivateOrigins.some((o) => o.protocol === protocol && o.host === host && (o.port === undefined || o.port === effectivePort));
}
