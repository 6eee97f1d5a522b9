/**
 * What the guest agent would report: each VM's addresses, taken from the network-config the
 * VM was created with (cloud-init network config version 2, bare or under `network:`), so that
 * the provider's `expectedIpCidr` wait is a real check. Keys are XO's `<device>/ipv4/<n>`
 * (vatesfr/xenorchestra-go-sdk client/vm.go waitForIPAssignment cuts the device index before
 * the first `/`). Ethernets are numbered in the order they appear (device 0 is the first VIF).
 */
import { parse } from "yaml";

interface Ethernet {
  addresses?: unknown;
  dhcp4?: unknown;
}

export function guestAddresses(networkConfig: string | undefined): Record<string, string> {
  if (networkConfig === undefined || networkConfig.trim() === "") return {};
  let doc: unknown;
  try {
    doc = parse(networkConfig);
  } catch {
    return {};
  }
  const root = (doc as { network?: unknown })?.network ?? doc;
  const ethernets = (root as { ethernets?: Record<string, Ethernet> } | null)?.ethernets;
  if (ethernets === undefined || ethernets === null || typeof ethernets !== "object") return {};
  const out: Record<string, string> = {};
  Object.values(ethernets).forEach((eth, device) => {
    const list = Array.isArray(eth?.addresses) ? eth.addresses : [];
    list
      .filter((a): a is string => typeof a === "string" && !a.includes(":"))
      .forEach((cidr, n) => {
        out[`${device}/ipv4/${n}`] = cidr.split("/")[0]!;
      });
  });
  return out;
}
