// Entry point: one stack = one use-case cluster. All logic lives in components/; this file only
// runs the program for the current stack. Pulumi calls the exported function and turns the
// object it returns into the stack outputs: network, nodes, dnsRecords, zoneFile.
// Before any resource, the program checks that the stack fits its XO pool (docs/capacity.md).
import { runProgramChecked } from "./components/program";

export = () => runProgramChecked();
