// Moved to components/stack/load.ts (issue 12: config decides nothing about plans; the stack
// folder composes config, plan and workloads). Kept for the files of other branches that still
// import from here (components/cluster/cluster.ts, bench/, tests/rke2.test.ts,
// tests/workloads.test.ts); remove once none do.
export { loadStack, planStack } from "../stack/load";
export type { LoadedStack, LoadOptions } from "../stack/types";
