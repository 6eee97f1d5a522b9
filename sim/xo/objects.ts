/**
 * `xo.getAllObjects`: every object with its XO `type` (VM, VM-template, network, PIF, pool,
 * host, SR, VIF, VBD, VDI — the types vatesfr/xenorchestra-go-sdk client/client.go asks for),
 * keyed by id, filtered by equality on each filter key (an array value: the object's array must
 * hold every element, as the SDK's tag filter expects).
 */
import type { SimInventory } from "./inventory";

type XoObject = Record<string, unknown> & { id: string };

function typed(inv: SimInventory): XoObject[] {
  const withType = <T extends { id: string }>(
    list: T[],
    type: string,
    extra: (o: T) => object = () => ({}),
  ) => list.map((o) => ({ uuid: o.id, ...o, ...extra(o), type }));
  return [
    ...withType(inv.pools, "pool", (p) => ({ $pool: p.id, $poolId: p.id })),
    ...withType(inv.hosts, "host", (h) => ({ $poolId: h.$pool })),
    ...withType(inv.srs, "SR", (s) => ({ $poolId: s.$pool })),
    ...withType(inv.pifs, "PIF", (p) => ({ $poolId: p.$pool })),
    ...withType(inv.networks, "network", (n) => ({ $poolId: n.$pool })),
    ...withType(inv.templates, "VM-template", (t) => ({ $poolId: t.$pool })),
    ...withType(inv.vms, "VM", (v) => ({
      $poolId: v.$pool,
      networkConfig: undefined,
      createParams: undefined,
    })),
    ...withType(inv.vifs, "VIF"),
    ...withType(inv.vbds, "VBD"),
    ...withType(inv.vdis, "VDI"),
  ];
}

function matches(object: XoObject, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([key, want]) => {
    const have = object[key];
    if (Array.isArray(want)) return Array.isArray(have) && want.every((w) => have.includes(w));
    return have === want;
  });
}

export function allObjects(inv: SimInventory, filter: unknown, limit: unknown): Record<string, XoObject> {
  const f = filter !== null && typeof filter === "object" ? (filter as Record<string, unknown>) : {};
  let list = typed(inv).filter((o) => matches(o, f));
  if (typeof limit === "number") list = list.slice(0, limit);
  // A deep copy: callers must not reach into the store.
  return Object.fromEntries(list.map((o) => [o.id, JSON.parse(JSON.stringify(o)) as XoObject]));
}
