/**
 * Pure reading of a recorded run (render/mocks.ts): what was registered, the dependency graph's
 * longest chain, and what differs between two runs as the engine would see it.
 */
import type { RecordedResource } from "../render/mocks";

/** Our ComponentResources: registered, but nothing for a provider to create. */
export function isComponent(type: string): boolean {
  return type.startsWith("cluster-orchestrator:");
}

export function countByType(resources: RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * What a resource waits for in `pulumi up`: its dependencies (implicit through inputs, and
 * dependsOn) and its explicit provider (`providers`: URN → provider URN, see Recording). Parent
 * edges are not ordering edges: a component is registered at once and its children wait only for
 * these.
 */
export function waitsFor(r: RecordedResource, providers: Record<string, string>): string[] {
  const provider = providers[r.urn];
  return provider !== undefined && !r.dependencies.includes(provider)
    ? [...r.dependencies, provider]
    : r.dependencies;
}

/**
 * The longest path through the ordering edges (waitsFor), counted in resources: the number of
 * operations that must run one after another in `pulumi up`, whatever the parallelism.
 */
export function longestChain(
  resources: RecordedResource[],
  providers: Record<string, string>,
): RecordedResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const memo = new Map<string, RecordedResource[]>();
  const visiting = new Set<string>();
  const chainTo = (r: RecordedResource): RecordedResource[] => {
    const known = memo.get(r.urn);
    if (known) return known;
    if (visiting.has(r.urn)) throw new Error(`dependency cycle through ${r.urn}`);
    visiting.add(r.urn);
    let best: RecordedResource[] = [];
    for (const dep of waitsFor(r, providers)) {
      const d = byUrn.get(dep);
      if (!d) continue;
      const chain = chainTo(d);
      if (chain.length > best.length) best = chain;
    }
    visiting.delete(r.urn);
    const chain = [...best, r];
    memo.set(r.urn, chain);
    return chain;
  };
  let longest: RecordedResource[] = [];
  // Sorted, so that of equally long chains the same one is reported every run.
  for (const r of [...resources].sort((a, b) => a.urn.localeCompare(b.urn))) {
    const chain = chainTo(r);
    if (chain.length > longest.length) longest = chain;
  }
  return longest;
}

/** `Type::name`, the short form of a URN used in reports. */
export function shortName(r: Pick<RecordedResource, "type" | "name">): string {
  return `${r.type.split(":").pop() ?? r.type}::${r.name}`;
}

export interface RunDiff {
  added: string[];
  removed: string[];
  /** Resources whose inputs differ, with the top-level input keys that differ. */
  changed: { resource: string; keys: string[] }[];
  /** Same inputs, different dependencies: the engine records them but plans no update for them. */
  dependenciesOnly: string[];
}

/**
 * What a `pulumi up` from `before` to `after` would touch, compared by URN. Inputs the resource's
 * `ignoreChanges` names keep their old value, as the engine does; nothing else is emulated.
 */
export function diffRuns(before: RecordedResource[], after: RecordedResource[]): RunDiff {
  const old = new Map(before.map((r) => [r.urn, r]));
  const now = new Map(after.map((r) => [r.urn, r]));
  const diff: RunDiff = { added: [], removed: [], changed: [], dependenciesOnly: [] };
  for (const r of after) {
    const prior = old.get(r.urn);
    if (!prior) {
      diff.added.push(shortName(r));
      continue;
    }
    const ignored = new Set(r.options.ignoreChanges);
    const keys = [...new Set([...Object.keys(prior.inputs), ...Object.keys(r.inputs)])]
      .filter((k) => !ignored.has(k) && canonical(prior.inputs[k]) !== canonical(r.inputs[k]))
      .sort();
    if (keys.length > 0) diff.changed.push({ resource: shortName(r), keys });
    else if (canonical(prior.dependencies) !== canonical(r.dependencies))
      diff.dependenciesOnly.push(shortName(r));
  }
  for (const r of before) if (!now.has(r.urn)) diff.removed.push(shortName(r));
  return diff;
}

/** JSON with sorted keys: equal values compare equal whatever order the program built them in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
