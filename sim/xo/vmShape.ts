/**
 * The VM object as `xo.getAllObjects` returns it (fields the provider's SDK decodes: vatesfr/
 * xenorchestra-go-sdk v1.17.0 client/vm.go `Vm`), with the simulator's own bookkeeping
 * (`networkConfig`, `createParams`) that a real XO does not expose.
 */
import type { Inventory, SimInventory } from "./inventory";
import { simId } from "./inventory";

export type SimVm = Inventory["vms"][number] & {
  uuid: string;
  type: "VM";
  name_description: string;
  $poolId: string;
  $container: string;
  CPUs: { number: number; max: number };
  memory: { static: number[]; dynamic: number[]; size: number };
  VIFs: string[];
  $VBDs: string[];
  addresses: Record<string, string>;
  auto_poweron: boolean;
  high_availability: string;
  virtualizationMode: string;
  boot: { firmware: string };
  creation: { template: string; user: string };
  cloudConfig: string;
  networkConfig: string;
  managementAgentDetected: boolean;
  pvDriversDetected: boolean;
  xenStoreData: Record<string, unknown>;
  blockedOperations: Record<string, string>;
  coresPerSocket?: number;
  affinityHost?: string;
  createParams: Record<string, unknown>;
  [field: string]: unknown;
};

let counter = 0;

/** A fresh UUID-shaped id (deterministic per process, never reused). */
export function newId(_inv: SimInventory, ...parts: string[]): string {
  counter += 1;
  return simId(...parts, String(counter));
}

export function srFree(inv: SimInventory, srId: string): number {
  const sr = inv.srs.find((s) => s.id === srId) as { size?: number; usage?: number } | undefined;
  if (sr === undefined) return 0;
  const used = inv.vdis.filter((v) => v.$SR === srId).reduce((a, v) => a + v.size, 0);
  return (sr.size ?? Number.MAX_SAFE_INTEGER) - Math.max(used, sr.usage ?? 0);
}

export function asSimVm(vm: Inventory["vms"][number]): SimVm {
  return vm as SimVm;
}
