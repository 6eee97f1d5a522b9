/** The little IPv4 arithmetic the address policy needs (the pack depends on nothing but the SDK). */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  network: number;
  prefixLength: number;
  /** Number of addresses, network and broadcast included. */
  size: number;
  /** The address as written (host bits may be set, as in a /32 or `10.0.0.5/24`). */
  address: number;
}

/** "a.b.c.d" as an unsigned 32-bit integer; undefined when it is not a dotted quad. */
export function parseIpv4(text: string): number | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((value, octet) => value * 256 + octet, 0);
}

/** "a.b.c.d/n"; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!match) return undefined;
  const address = parseIpv4(match[1] ?? "");
  const prefixLength = Number(match[2]);
  if (address === undefined || prefixLength > 32) return undefined;
  const size = 2 ** (32 - prefixLength);
  return { network: address - (address % size), prefixLength, size, address };
}

/** The first IPv4 CIDR written anywhere in a text (e.g. a network's description). */
export function findCidr(text: string): Cidr | undefined {
  const match = /\b\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}\b/.exec(text);
  return match ? parseCidr(match[0]) : undefined;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefixLength}`;
}

/** True when `inner` (as a range of addresses) lies entirely inside `outer`. */
export function within(inner: Cidr, outer: Cidr): boolean {
  return inner.network >= outer.network && inner.network + inner.size <= outer.network + outer.size;
}
