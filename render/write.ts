/** Writes one stack's render: plan.json, zone.txt and each node's cloud-init files. */
import * as fs from "fs";
import * as path from "path";
import { nodeFiles, planJson, redact } from "./report";
import type { StackRun } from "./runStack";

export interface WrittenRender {
  outDir: string;
  /** Every file written, absolute paths. */
  files: string[];
  /** Secret values seen in the run (for the caller's own redaction of what it prints). */
  secrets: Set<string>;
}

export function writeRender(run: StackRun, outDir: string): WrittenRender {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const secrets = new Set<string>(run.secrets);
  const files: string[] = [];
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, redact(text, secrets));
    files.push(file);
  };
  for (const node of nodeFiles(run)) {
    write(path.join(outDir, "nodes", node.hostname, "user-data"), node.userData);
    write(path.join(outDir, "nodes", node.hostname, "network-config"), node.networkConfig);
  }
  write(path.join(outDir, "plan.json"), `${JSON.stringify(planJson(run), null, 2)}\n`);
  write(path.join(outDir, "zone.txt"), run.loaded.plan.zoneFile);
  return { outDir, files, secrets };
}
