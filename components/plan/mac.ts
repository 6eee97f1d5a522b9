/**
 * MAC addresses derived from network identity, so a re-created VM keeps its MAC (and so its DHCP
 * reservation, ARP entries and switch state). All are locally administered unicast addresses:
 * first octet 0x02 for static nodes (followed by 00 and the four address bytes) and 0x06 for
 * DHCP nodes (followed by the pool slot and the four bytes of subnet network + index).
 */
import { ipToNumber } from "../lib/ipv4";

function format(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

function bytesOf(value: number): number[] {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff);
}

export function staticMac(ip: string): string {
  return format([0x02, 0x00, ...bytesOf(ipToNumber(ip))]);
}

export function dhcpMac(subnetNetwork: number, slot: number, index: number): string {
  return format([0x06, slot & 0xff, ...bytesOf((subnetNetwork + index) >>> 0)]);
}

/** True for a locally administered (bit 1) unicast (bit 0 clear) MAC. */
export function isLocalUnicast(mac: string): boolean {
  const first = parseInt(mac.slice(0, 2), 16);
  return (first & 0x02) === 0x02 && (first & 0x01) === 0;
}
