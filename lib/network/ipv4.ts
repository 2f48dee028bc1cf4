/** IPv4 address and CIDR arithmetic for config validation (no tokens: only literal config values). */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  readonly prefixLength: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses a dotted-quad address; undefined when it is not one. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** Parses `a.b.c.d/n`; undefined when malformed or when host bits are set (10.0.0.1/24). */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const address = parseIpv4(match[1]);
  const prefixLength = Number(match[2]);
  if (address === undefined || prefixLength > 32) return undefined;
  if (address % blockSize(prefixLength) !== 0) return undefined;
  return { network: address, prefixLength };
}

export function blockSize(prefixLength: number): number {
  return 2 ** (32 - prefixLength);
}

export function cidrContains(cidr: Ipv4Cidr, address: number): boolean {
  return address >= cidr.network && address < cidr.network + blockSize(cidr.prefixLength);
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return cidrContains(a, b.network) || cidrContains(b, a.network);
}

/** RFC 1918 private ranges: what internal load balancer addresses and connector ranges come from. */
export const RFC1918_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((text) => parseCidr(text)!);

export function isRfc1918(address: number): boolean {
  return RFC1918_RANGES.some((range) => cidrContains(range, address));
}
