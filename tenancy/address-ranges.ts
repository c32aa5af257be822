/**
 * Which IP addresses a tenant-supplied URL must never reach, and why. The reason is named so an
 * admin whose URL is refused learns what is wrong with it (loopback, private, metadata…).
 */
import { BlockList, isIP } from 'node:net';

export type AddressRefusal = 'loopback' | 'private' | 'link-local' | 'multicast' | 'reserved' | 'metadata';

/**
 * Cloud instance-metadata endpoints: refused even for an allow-listed origin, because they hand
 * out the host's own credentials. AWS (IMDS, ECS, EKS pod identity), GCP, Azure, Alibaba, Oracle.
 */
const metadataAddresses = new Set([
  '169.254.169.254', '169.254.170.2', '169.254.170.23', '100.100.100.200', '192.0.0.192',
  'fd00:ec2::254', 'fd00:ec2::23',
]);
const metadataNames = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

type Range = readonly [string, number, AddressRefusal];
const v4Ranges: Range[] = [
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'], ['172.16.0.0', 12, 'private'], ['192.168.0.0', 16, 'private'], ['100.64.0.0', 10, 'private'],
  ['169.254.0.0', 16, 'link-local'],
  ['224.0.0.0', 4, 'multicast'],
  ['0.0.0.0', 8, 'reserved'], ['192.0.0.0', 24, 'reserved'], ['192.0.2.0', 24, 'reserved'], ['192.88.99.0', 24, 'reserved'],
  ['198.18.0.0', 15, 'reserved'], ['198.51.100.0', 24, 'reserved'], ['203.0.113.0', 24, 'reserved'], ['240.0.0.0', 4, 'reserved'],
];
const v6Ranges: Range[] = [
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'private'],
  ['fe80::', 10, 'link-local'], ['fec0::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
  // ::/96 holds :: and the deprecated IPv4-compatible form; 100::/64 discard; 2001:db8::/32 documentation.
  ['::', 96, 'reserved'], ['100::', 64, 'reserved'], ['2001:db8::', 32, 'reserved'], ['2001:10::', 28, 'reserved'],
];

function blockListOf(ranges: Range[], family: 'ipv4' | 'ipv6'): Array<[BlockList, AddressRefusal]> {
  return ranges.map(([net, prefix, reason]) => {
    const list = new BlockList();
    list.addSubnet(net, prefix, family);
    return [list, reason];
  });
}
const v4Lists = blockListOf(v4Ranges, 'ipv4');
const v6Lists = blockListOf(v6Ranges, 'ipv6');

/** Expands an IPv6 address to its eight 16-bit groups (Node has no parser that exposes them). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    text = text.slice(0, -dotted[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16));
}

/**
 * The IPv4 address an IPv6 address carries, when it is one of the forms that reach an IPv4 host:
 * IPv4-mapped (::ffff:a.b.c.d, which WHATWG URL writes as ::ffff:7f00:1), NAT64 (64:ff9b::/96)
 * and 6to4 (2002::/16).
 */
function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return v4(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return v4(g6, g7);
  if (g0 === 0x2002) return v4(g1, g2);
  return undefined;
}

/** Canonical text of an address, so `FD00:EC2:0::254` and `fd00:ec2::254` compare equal. */
function canonical(address: string): string {
  return isIP(address) === 6 ? ipv6Groups(address).map((g) => g.toString(16)).join(':') : address;
}
const metadataCanonical = new Set([...metadataAddresses].map(canonical));

/** Why this address may not be reached, or undefined when it is a public unicast address. */
export function addressRefusal(address: string): AddressRefusal | undefined {
  const family = isIP(address);
  if (family === 0) return 'reserved';
  if (metadataCanonical.has(canonical(address))) return 'metadata';
  if (family === 4) return v4Lists.find(([list]) => list.check(address, 'ipv4'))?.[1];
  const inner = embeddedIpv4(address);
  if (inner !== undefined) return addressRefusal(inner);
  return v6Lists.find(([list]) => list.check(address, 'ipv6'))?.[1];
}

export function isPrivateAddress(address: string): boolean {
  return addressRefusal(address) !== undefined;
}

/** A host name (lower-case, no trailing dot) that is a metadata endpoint by name. */
export function isMetadataName(host: string): boolean {
  return metadataNames.has(host);
}

/** `localhost` and its subdomains always mean this machine (RFC 6761), whatever DNS says. */
export function isLocalhostName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}
