/** The render command: a stack that fails leaves no out/<stack>/ behind (issue 9 finding 18). */
import * as fs from "fs";
import * as path from "path";
import { renderStacks } from "../render/renderStacks";
import { envLayer, stackValues, useTempProjects } from "./helpers/fixtures";

const tempProject = useTempProjects();

function capture() {
  const lines: string[] = [];
  return { lines, io: { log: (t: string) => lines.push(t), error: (t: string) => lines.push(t) } };
}

test("a failed render removes the previous out/<stack>/ instead of leaving a stale plan.json", async () => {
  const bad = stackValues("legal-ai", "dev", 1);
  bad.cluster.vlan = 5000;
  const root = tempProject({ environments: { dev: envLayer("dev") }, stacks: { "legal-ai-dev": bad } });
  const outRoot = path.join(root, "out");
  // What a previous, successful render left.
  fs.mkdirSync(path.join(outRoot, "legal-ai-dev", "nodes", "cluster1-server1"), { recursive: true });
  fs.writeFileSync(path.join(outRoot, "legal-ai-dev", "plan.json"), '{"stack":"legal-ai-dev"}\n');
  fs.mkdirSync(path.join(outRoot, "keep-me"));
  const { lines, io } = capture();

  await expect(renderStacks(["legal-ai-dev"], outRoot, io, root)).resolves.toBe(1);

  expect(fs.existsSync(path.join(outRoot, "legal-ai-dev"))).toBe(false);
  expect(fs.existsSync(path.join(outRoot, "keep-me"))).toBe(true);
  expect(lines.join("\n")).toContain("cluster-orchestrator:cluster.vlan (stacks/Pulumi.legal-ai-dev.yaml)");
  expect(lines.join("\n")).toContain("no render written");
});

test("a name that is not a stack in stacks/ removes nothing", async () => {
  const root = tempProject({
    environments: { dev: envLayer("dev") },
    stacks: { "legal-ai-dev": stackValues("legal-ai", "dev", 1) },
  });
  const outRoot = path.join(root, "out");
  fs.mkdirSync(path.join(root, "victim"), { recursive: true });
  const { lines, io } = capture();

  await expect(renderStacks(["../victim", "nope-dev"], outRoot, io, root)).resolves.toBe(2);

  expect(fs.existsSync(path.join(root, "victim"))).toBe(true);
  expect(lines.join("\n")).toContain(
    "unknown stack '../victim' (stacks/Pulumi.../victim.yaml): file not found; stacks: legal-ai-dev",
  );
});
