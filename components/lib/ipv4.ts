/**
 * The project's one IPv4 module: arithmetic on plain numbers, parsing and printing through the
 * ip-address library. components/lib/ holds pure helpers that import nothing of the project, so
 * every layer (config, plan, renderers, components, fleet, render, the policy pack) may use them.
 */
import { Address4 } from "ip-address";

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  network: number;
  prefixLength: number;
  /** Number of addresses, network and broadcast included. */
  size: number;
}

export function isIpv4(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(text) && Address4.isValid(text);
}

/**
 * `a.b.c.d/n`, n 0–32 written without a leading zero, as the address's octets are: Go's
 * net/netip ParsePrefix (which Kubernetes' strict CIDR validation uses) refuses `/08`
 * (golang/go src/net/netip/netip.go, "bad bits after slash").
 */
export function isCidr(text: string): boolean {
  const [ip, prefix, ...rest] = text.split("/");
  return (
    rest.length === 0 &&
    ip !== undefined &&
    isIpv4(ip) &&
    /^(0|[1-9]\d?)$/.test(prefix ?? "") &&
    Number(prefix) <= 32
  );
}

export function ipToNumber(text: string): number {
  return Number(new Address4(text).bigInt());
}

export function numberToIp(value: number): string {
  return Address4.fromBigInt(BigInt(value)).correctForm();
}

/** Parses "a.b.c.d/n". `aligned` is false when host bits are set (10.0.0.5/24). */
export function parseCidr(text: string): Cidr & { aligned: boolean } {
  const [ip = "", prefix = ""] = text.split("/");
  const prefixLength = Number(prefix);
  const size = 2 ** (32 - prefixLength);
  const value = ipToNumber(ip);
  const network = value - (value % size);
  return { network, prefixLength, size, aligned: network === value };
}

export function formatCidr(cidr: Cidr): string {
  return `${numberToIp(cidr.network)}/${cidr.prefixLength}`;
}

export function netmask(prefixLength: number): string {
  return numberToIp(prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0);
}

export function contains(cidr: Cidr, address: number): boolean {
  return address >= cidr.network && address < cidr.network + cidr.size;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.network < b.network + b.size && b.network < a.network + a.size;
}

/** True when `inner` (as a range of addresses) lies entirely inside `outer`. */
export function within(inner: Cidr, outer: Cidr): boolean {
  return inner.network >= outer.network && inner.network + inner.size <= outer.network + outer.size;
}
