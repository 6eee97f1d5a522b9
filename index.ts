// Entry point: one stack = one use-case cluster. All logic lives in components/; this file only
// loads the stack's configuration, builds the cluster and exports its outputs.
import { runProgram } from "./components/program";

const outputs = runProgram();

export const network = outputs.network;
export const nodes = outputs.nodes;
export const dnsRecords = outputs.dnsRecords;
export const zoneFile = outputs.zoneFile;
