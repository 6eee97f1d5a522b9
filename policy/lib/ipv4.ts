/**
 * The address policy's IPv4 helpers, on the project's one IPv4 module (components/lib/ipv4.ts,
 * the ip-address library): tolerant parsing for values read from resources (undefined instead of
 * an exception), and the address as written next to its network.
 */
import {
  formatCidr,
  ipToNumber,
  isCidr,
  isIpv4,
  numberToIp,
  parseCidr as parseValidCidr,
  within,
  type Cidr as NetworkCidr,
} from "../../components/lib/ipv4";

export { formatCidr, within };

export interface Cidr extends NetworkCidr {
  /** The address as written (host bits may be set, as in a /32 or `10.0.0.5/24`). */
  address: number;
}

/** "a.b.c.d" as an unsigned 32-bit integer; undefined when it is not a dotted quad. */
export function parseIpv4(text: string): number | undefined {
  return isIpv4(text) ? ipToNumber(text) : undefined;
}

/** "a.b.c.d/n"; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const trimmed = text.trim();
  if (!isCidr(trimmed)) return undefined;
  const { network, prefixLength, size } = parseValidCidr(trimmed);
  return { network, prefixLength, size, address: ipToNumber(trimmed.split("/")[0] ?? "") };
}

/** The first IPv4 CIDR written anywhere in a text (e.g. a network's description). */
export function findCidr(text: string): Cidr | undefined {
  const match = /\b\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}\b/.exec(text);
  return match ? parseCidr(match[0]) : undefined;
}

export const formatIpv4 = numberToIp;
