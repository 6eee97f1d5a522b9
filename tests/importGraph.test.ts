/**
 * Issue 12 item 8: the map in the code. No import cycle between the project's files (type-only
 * imports included), and imports between components' folders go one way:
 * lib → config → plan → renderers (cloud-init, rke2, workloads) → stack → resources
 * (each folder may import the ones before it, never one after it). Read with TypeScript's own
 * import scanner (ts.preProcessFile), relative imports only.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../components/config/root";
import { importGraph as graphOf } from "../tools/mutation/importGraph";

const importGraph = () => graphOf(PROJECT_ROOT);

/** Strongly connected components with more than one member (Tarjan): the cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const members: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        members.push(w);
      } while (w !== v);
      if (members.length > 1) found.push(members.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The layers of the program, lowest first; a folder imports only its own layer or lower ones. */
const LAYERS: Record<string, number> = {
  "components/lib": 0, // pure helpers: IPv4, tables
  "components/config": 1, // what the operator wrote: files, schema, layers, errors
  stacks: 1, // the use-case profiles: configuration written in code
  "components/plan": 2, // pure decisions: addresses, names, MACs, DNS, capacity
  "cloud-init": 3, // renderers: what each node receives
  "components/rke2": 3,
  "components/workloads": 3,
  "components/stack": 4, // one stack's whole decision: config, plans, cross-stack checks
  "components/xo": 5, // resources and lookups: the ComponentResources and the program
  "components/network": 5,
  "components/nodepool": 5,
  "components/rancher": 5,
  "components/access": 5, // the kubeconfig fetched from the bootstrap server
  "components/management": 5, // the management stack's Rancher server
  "components/cluster": 5,
  components: 5,
};

/**
 * Compatibility re-exports left where other branches still import the old paths (the lead removes
 * them after merging those branches; docs/development.md → Layout).
 */
const SHIMS = new Set<string>([]);

test("no import cycle between the project's files", () => {
  expect(cycles(importGraph())).toEqual([]);
});

test("components' folders import only their own layer or lower ones", () => {
  const wrong: string[] = [];
  for (const [file, targets] of importGraph()) {
    const from = LAYERS[path.dirname(file)];
    if (from === undefined) continue;
    for (const target of targets) {
      const to = LAYERS[path.dirname(target)];
      const edge = `${file} -> ${target}`;
      if (to === undefined) wrong.push(`${edge} (outside the program's layers)`);
      else if (to > from && !SHIMS.has(edge)) wrong.push(`${edge} (layer ${from} imports layer ${to})`);
    }
  }
  expect(wrong).toEqual([]);
});

test("every folder of components/ has a layer", () => {
  const folders = fs
    .readdirSync(path.join(PROJECT_ROOT, "components"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `components/${d.name}`);
  expect(folders.filter((f) => LAYERS[f] === undefined)).toEqual([]);
});
