/**
 * The GitHub Actions workflows (.github/workflows) and the script that decides which stacks a
 * change touches (.github/scripts/changed-stacks.sh): schema-valid workflows (action-validator),
 * least-privilege permissions, the fork guard, the protected prod environment, pinned actions; the
 * script's mapping from changed files to stacks, run under bash and linted with shellcheck.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { loadStack } from "../components/stack/load";
import { listStacks } from "../components/config/sources";
import { PROJECT_ROOT } from "../components/config/root";
import { main } from "../fleet/cli";
import { profiles } from "../stacks/profiles";
import { requireTool, run } from "./helpers/validators";
import { AREAS } from "../tools/mutation/areas";

const WORKFLOWS = path.join(PROJECT_ROOT, ".github", "workflows");
const SCRIPT = path.join(PROJECT_ROOT, ".github", "scripts", "changed-stacks.sh");
const VALIDATOR = path.join(PROJECT_ROOT, "node_modules", ".bin", "action-validator");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

interface Job {
  name?: string;
  uses?: string;
  if?: string;
  needs?: string[];
  "runs-on"?: unknown;
  permissions?: unknown;
  environment?: string | { name: string };
  strategy?: { matrix?: Record<string, unknown>; "max-parallel"?: number };
  steps?: Step[];
}

interface Workflow {
  on: Record<string, unknown>;
  permissions?: unknown;
  jobs: Record<string, Job>;
}

const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const workflows = Object.fromEntries(
  files.map((f) => [f, parse(fs.readFileSync(path.join(WORKFLOWS, f), "utf8")) as Workflow]),
);
const allJobs = Object.entries(workflows).flatMap(([file, wf]) =>
  Object.entries(wf.jobs).map(([id, job]) => ({ file, id, job, workflow: wf })),
);

const pulumiSteps = (job: Job) => (job.steps ?? []).filter((s) => s.uses?.startsWith("pulumi/actions@"));
const isWrite = (level: unknown) => level === "write";

/** The job's effective permissions: its own, else the workflow's. */
function permissionsOf(job: Job, workflow: Workflow): Record<string, string> {
  const permissions = job.permissions ?? workflow.permissions;
  expect(typeof permissions).toBe("object");
  return permissions as Record<string, string>;
}

test("the project has the pull request, deploy, shared checks and weekly mutation workflows", () => {
  expect(files.sort()).toEqual(["checks.yml", "deploy.yml", "mutation.yml", "pull-request.yml"]);
});

describe("action-validator", () => {
  const available = fs.existsSync(VALIDATOR);
  if (!available) {
    if (process.env.CI === "true")
      throw new Error(`action-validator is required in CI: ${VALIDATOR} is missing (npm ci)`);
    console.warn(
      `action-validator not found at ${VALIDATOR}: skipping the workflow schema tests (run npm ci)`,
    );
  }
  test.each(files)("%s is a valid workflow", (file) => {
    if (!available) return;
    // Run from the root: the validator resolves glob filters relative to the working directory.
    const result = spawnSync(VALIDATOR, [path.join(".github", "workflows", file)], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    });
    expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({
      status: 0,
      output: "",
    });
  });
});

describe("permissions are least privilege", () => {
  test("every workflow sets contents: read at the top and never write-all / read-all", () => {
    for (const [file, wf] of Object.entries(workflows)) {
      expect([file, wf.permissions]).toEqual([file, { contents: "read" }]);
      expect(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")).not.toMatch(/write-all|read-all/);
    }
  });

  test.each(allJobs.map((j) => [`${j.file} ${j.id}`, j] as const))(
    "%s: contents read; writes only where needed",
    (_, { job, workflow }) => {
      const permissions = permissionsOf(job, workflow);
      expect(job.permissions).toBeDefined();
      expect(permissions.contents).toBe("read");
      const comments = pulumiSteps(job).some((s) => s.with?.["comment-on-pr"] === true);
      // pull-requests: write exactly where the preview is posted on the pull request.
      expect(permissions["pull-requests"] === "write").toBe(comments);
      const writes = Object.entries(permissions).filter(([, level]) => isWrite(level));
      expect(writes.map(([scope]) => scope)).toEqual(comments ? ["pull-requests"] : []);
      // Any other grant is a read the job explains (gh run list needs actions: read).
      for (const scope of Object.keys(permissions)) {
        expect(["contents", "pull-requests", "actions"]).toContain(scope);
      }
      if (permissions.actions !== undefined) {
        expect((job.steps ?? []).some((s) => /\bgh run list\b/.test(s.run ?? ""))).toBe(true);
      }
    },
  );
});

test("checks: what .ci/run does (validators, npm ci, lint, test with CI=true, render of every stack)", () => {
  const checks = workflows["checks.yml"]!;
  expect(Object.keys(checks.on)).toEqual(["workflow_call"]);
  const job = checks.jobs.checks! as Job & { env?: Record<string, string> };
  expect(job.env?.CI).toBe("true");
  const runs = (job.steps ?? []).flatMap((s) => (s.run ? [s.run.trim()] : []));
  expect(runs[0]).toMatch(/apt-get install .*cloud-init shellcheck$/);
  expect(runs.slice(1)).toEqual(["npm ci", "npm run lint", "npm test", "npm run render -- --all"]);
});

describe("pull requests", () => {
  const pr = workflows["pull-request.yml"]!;

  test("run on pull_request (never pull_request_target, which would hand forks the secrets)", () => {
    expect(Object.keys(pr.on)).toEqual(["pull_request"]);
    for (const wf of Object.values(workflows))
      expect(Object.keys(wf.on)).not.toContain("pull_request_target");
  });

  test("checks, then a preview per touched stack with the policy pack, posted on the pull request", () => {
    expect(pr.jobs.checks!.uses).toBe("./.github/workflows/checks.yml");
    for (const kind of ["nonprod", "prod"]) {
      const preview = pr.jobs[`preview-${kind}`]!;
      expect(preview.strategy?.matrix?.stack).toBe(`\${{ fromJSON(needs.changes.outputs.${kind}) }}`);
      const [step, ...others] = pulumiSteps(preview);
      expect(others).toEqual([]);
      expect(step!.with).toMatchObject({
        command: "preview",
        "stack-name": "${{ matrix.stack }}",
        policyPacks: "policy",
        "comment-on-pr": true,
      });
    }
    const changes = pr.jobs.changes!.steps!.map((s) => s.run ?? "").join("\n");
    expect(changes).toContain(".github/scripts/changed-stacks.sh --only nonprod");
    expect(changes).toContain(".github/scripts/changed-stacks.sh --only prod");
  });

  test("previews have the fork guard; prod previews wait in the approval-gated environment", () => {
    expect(pr.jobs["preview-nonprod"]!.environment).toBe("preview");
    expect(pr.jobs["preview-prod"]!.environment).toBe("production-preview");
    for (const id of ["preview-nonprod", "preview-prod"]) {
      const preview = pr.jobs[id]!;
      expect(preview.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
      expect(preview.needs).toEqual(["checks", "changes"]);
    }
    for (const [id, job] of Object.entries(pr.jobs)) {
      expect([id, JSON.stringify(job).includes("secrets.")]).toEqual([id, id.startsWith("preview-")]);
    }
    expect(fs.readFileSync(path.join(WORKFLOWS, "checks.yml"), "utf8")).not.toContain("secrets.");
  });
});

describe("deploys", () => {
  const deploy = workflows["deploy.yml"]!;

  test("run on push to main (and by hand), one at a time repository-wide, never cancelled", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
    // A fixed group: a per-ref group would let a manual run from another branch run alongside.
    expect((deploy as unknown as { concurrency: unknown }).concurrency).toEqual({
      group: "deploy",
      "cancel-in-progress": false,
    });
  });

  test("every job refuses any ref but main; every up job checks the ref before anything else", () => {
    for (const [id, job] of Object.entries(deploy.jobs)) {
      expect([id, job.if]).toEqual([id, expect.stringContaining("github.ref == 'refs/heads/main'")]);
    }
    for (const id of ["up-nonprod", "up-prod"]) {
      const [first] = deploy.jobs[id]!.steps!;
      expect(first!.env).toEqual({ REF: "${{ github.ref }}" });
      const refuse = spawnSync("sh", ["-c", first!.run!], {
        env: { REF: "refs/heads/feature" },
        encoding: "utf8",
      });
      expect(refuse.status).toBe(1);
      expect(spawnSync("sh", ["-c", first!.run!], { env: { REF: "refs/heads/main" } }).status).toBe(0);
    }
  });

  test("every pulumi up of a prod stack runs in the protected production environment", () => {
    const ups = allJobs.filter(({ job }) => pulumiSteps(job).some((s) => s.with?.command === "up"));
    expect(ups.map((j) => j.id).sort()).toEqual(["up-nonprod", "up-prod"]);
    for (const { id, job } of ups) {
      const matrix = String(job.strategy?.matrix?.stack);
      const prod = matrix.includes("outputs.prod");
      expect([id, matrix]).toEqual([
        id,
        `\${{ fromJSON(needs.changes.outputs.${prod ? "prod" : "nonprod"}) }}`,
      ]);
      expect([id, job.environment]).toEqual([id, prod ? "production" : "development"]);
      for (const step of pulumiSteps(job)) {
        expect(step.with).toMatchObject({ "stack-name": "${{ matrix.stack }}", policyPacks: "policy" });
      }
    }
    const prodJob = deploy.jobs["up-prod"]!;
    expect(prodJob.strategy?.["max-parallel"]).toBe(1);
    expect(prodJob.needs).toEqual(["checks", "changes", "up-nonprod"]);
  });

  test("the changes job splits the changed stacks into non-prod and prod with the script", () => {
    const script = deploy.jobs.changes!.steps!.map((s) => s.run ?? "").join("\n");
    expect(script).toContain('changed-stacks.sh "${scope[@]}" --only nonprod');
    expect(script).toContain('changed-stacks.sh "${scope[@]}" --only prod');
  });
});

/** GitHub environments whose secrets may be prod's; they have required reviewers (docs/ci.md). */
const PROD_ENVIRONMENTS = ["production", "production-preview"];
const NONPROD_ENVIRONMENTS = ["preview", "development"];

describe("mutation (issue 15)", () => {
  const mutation = () => workflows["mutation.yml"]!;
  const job = () => mutation().jobs.mutation!;

  test("runs weekly and by hand only: never on a pull request or a push", () => {
    expect(Object.keys(mutation().on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    const [schedule] = mutation().on.schedule as { cron: string }[];
    // Five fields, one fixed day of the week: once a week.
    expect(schedule!.cron.split(" ")).toHaveLength(5);
    expect(schedule!.cron.split(" ")[4]).toMatch(/^[0-6]$/);
  });

  test("one job per area the mutation runner knows, each area's report published", () => {
    expect(job().strategy?.matrix?.area).toEqual(Object.keys(AREAS));
    const steps = job().steps ?? [];
    const runs = steps.flatMap((s) => (s.run ? [s.run.trim()] : []));
    expect(runs).toContain('npm run mutation -- "$AREA"');
    const upload = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.with?.path).toBe("reports/mutation/${{ matrix.area }}");
  });

  test("a run started by hand waits for the weekly run in progress instead of cancelling it", () => {
    // Each run takes hours; cancel-in-progress would throw away the week's scores and reports.
    // With false, GitHub queues one pending run of the group and starts it when the first ends.
    expect((mutation() as unknown as { concurrency: unknown }).concurrency).toEqual({
      group: "mutation",
      "cancel-in-progress": false,
    });
  });

  test("no secret, and the matrix value reaches the shell only through the environment", () => {
    expect(JSON.stringify(job())).not.toMatch(/secrets\./);
    for (const step of job().steps ?? []) {
      // An expression inside `run:` would be pasted into the script before the shell parses it.
      expect(step.run ?? "").not.toContain("${{");
      if (step.run?.includes("$AREA")) expect(step.env).toEqual({ AREA: "${{ matrix.area }}" });
    }
  });
});

test("secrets only through environments: prod's in the gated ones, never a shared name", () => {
  for (const { file, id, job } of allJobs) {
    const referenced = [...JSON.stringify(job).matchAll(/secrets\.(\w+)/g)].map((m) => m[1]!);
    if (referenced.length === 0) continue;
    const environment = typeof job.environment === "object" ? job.environment.name : job.environment;
    const prod = PROD_ENVIRONMENTS.includes(String(environment));
    expect([file, id, prod || NONPROD_ENVIRONMENTS.includes(String(environment))]).toEqual([file, id, true]);
    // Per-environment names: a job never names the other side's secret, nor an unprefixed one
    // that a repository-wide secret could fill.
    for (const name of referenced) {
      expect([file, id, name]).toEqual([file, id, expect.stringMatching(prod ? /^PROD_/ : /^NONPROD_/)]);
    }
    for (const step of pulumiSteps(job)) {
      expect(step.with?.["cloud-url"]).toBe(
        `\${{ secrets.${prod ? "PROD" : "NONPROD"}_PULUMI_BACKEND_URL }}`,
      );
      expect(step.env?.PULUMI_CONFIG_PASSPHRASE).toBe(
        `\${{ secrets.${prod ? "PROD" : "NONPROD"}_PULUMI_CONFIG_PASSPHRASE }}`,
      );
    }
  }
});

test("third-party actions pinned by full commit SHA with the tag in a comment; reusable workflows exist", () => {
  const uses = allJobs.flatMap(({ job }) => [job.uses, ...(job.steps ?? []).map((s) => s.uses)]);
  expect(uses.filter((u) => u !== undefined).length).toBeGreaterThan(0);
  for (const ref of uses.filter((u): u is string => u !== undefined)) {
    if (ref.startsWith("./")) expect(fs.existsSync(path.join(PROJECT_ROOT, ref))).toBe(true);
    else expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  }
  // The comment keeps the version readable and is what Dependabot updates along with the SHA.
  for (const file of files) {
    for (const line of fs.readFileSync(path.join(WORKFLOWS, file), "utf8").split("\n")) {
      const uses = /^\s*(?:- )?uses: ([^.][^\s]*)(.*)$/.exec(line);
      if (uses) expect([file, uses[2]]).toEqual([file, expect.stringMatching(/^ # v\d+\.\d+\.\d+$/)]);
    }
  }
});

test("an exact Pulumi CLI version in every Pulumi step, the SDK's", () => {
  const sdk = (
    JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    }
  ).dependencies["@pulumi/pulumi"];
  const steps = allJobs.flatMap(({ job }) => pulumiSteps(job));
  expect(steps.length).toBe(4);
  for (const step of steps) expect(String(step.with?.["pulumi-version"])).toBe(sdk);
});

test("Dependabot keeps the actions and the npm dependencies current", () => {
  const config = parse(fs.readFileSync(path.join(PROJECT_ROOT, ".github", "dependabot.yml"), "utf8")) as {
    version: number;
    updates: { "package-ecosystem": string; directory: string }[];
  };
  expect(config.version).toBe(2);
  expect(config.updates.map((u) => [u["package-ecosystem"], u.directory])).toEqual([
    ["github-actions", "/"],
    ["npm", "/"],
  ]);
});

test("the jobs that reach the lab run on the self-hosted runners; the others on GitHub's", () => {
  for (const { file, id, job } of allJobs) {
    if (job.uses) continue;
    const lab = pulumiSteps(job).length > 0;
    // Deploy runners are a separate group that only main's deploy workflow may use (docs/ci.md).
    const runner = file === "deploy.yml" ? "homelab-deploy" : "homelab-preview";
    expect([file, id, job["runs-on"]]).toEqual([
      file,
      id,
      lab ? ["self-hosted", "linux", runner] : "ubuntu-latest",
    ]);
  }
});

test("documented kubeconfig commands write 0600 and git ignores the file (issue 14 finding 11)", () => {
  for (const doc of ["README.md", "docs/operations.md"]) {
    const lines = fs
      .readFileSync(path.join(PROJECT_ROOT, doc), "utf8")
      .split("\n")
      .filter((l) => /stack output kubeconfig .*>/.test(l));
    expect([doc, lines.length > 0]).toEqual([doc, true]);
    for (const line of lines)
      expect([doc, line.trim()]).toEqual([doc, expect.stringMatching(/^\(umask 077; /)]);
  }
  // The umask really gives 0600 to what the redirection creates.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
  try {
    spawnSync("sh", ["-c", "umask 022; (umask 077; echo apiVersion: v1 > kubeconfig)"], { cwd: dir });
    expect(fs.statSync(path.join(dir, "kubeconfig")).mode & 0o777).toBe(0o600);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const ignored = spawnSync("git", ["check-ignore", "--no-index", "-q", "kubeconfig"], { cwd: PROJECT_ROOT });
  expect(ignored.status).toBe(0);
});

test("the project carries SECURITY.md and a LICENSE matching package.json", () => {
  const license = (
    JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
      license: string;
    }
  ).license;
  expect(license).toBe("Apache-2.0");
  const text = fs.readFileSync(path.join(PROJECT_ROOT, "LICENSE"), "utf8");
  expect(text).toContain("Apache License");
  expect(text).toContain("Version 2.0, January 2004");
  expect(fs.readFileSync(path.join(PROJECT_ROOT, "SECURITY.md"), "utf8")).toMatch(/report/i);
});

// --- changed-stacks.sh --------------------------------------------------------------------------

const STACK_FILES: Record<string, string> = {
  "legal-ai-dev":
    "config:\n  cluster-orchestrator:environment: dev\n  cluster-orchestrator:useCase: legal-ai\n",
  "legal-ai-prod":
    'config:\n  cluster-orchestrator:environment: "prod" # quoted, commented\n  cluster-orchestrator:useCase: legal-ai\n',
  "healthcare-dev":
    "config:\n  cluster-orchestrator:useCase: 'healthcare'\n  cluster-orchestrator:environment: dev\n",
  "healthcare-prod":
    "config:\n  cluster-orchestrator:environment: prod\n  cluster-orchestrator:useCase: healthcare\n",
  "billing-staging":
    "config:\n  cluster-orchestrator:environment: staging\n  cluster-orchestrator:useCase: billing\n",
};

/**
 * Issue 14 finding 3, replayed: stack files the old line regex routed to the ungated non-prod job
 * although the program reads them as prod, and files whose environment cannot be determined.
 */
const BYPASS_FILES: Record<string, string> = {
  // The regex took the tag for part of the value ('!!str prod' is not 'prod').
  "legal-ai-prod":
    "config:\n  cluster-orchestrator:environment: !!str prod\n  cluster-orchestrator:useCase: legal-ai\n",
  // The regex took the last matching line, which sits inside a block scalar.
  "healthcare-prod": [
    "config:",
    "  cluster-orchestrator:environment: prod",
    "  cluster-orchestrator:useCase: healthcare",
    "  cluster-orchestrator:cluster:",
    "    number: 3",
    "    description: |",
    "      cluster-orchestrator:environment: dev",
    "",
  ].join("\n"),
  // Unparsable: the loader cannot tell, so neither can the routing.
  "records-dev":
    "config:\n  cluster-orchestrator:environment: dev\n   cluster-orchestrator:useCase: records\n",
  // Named like a dev stack, declares prod: the loader refuses it; the routing gates it.
  "payroll-dev":
    "config:\n  cluster-orchestrator:environment: prod\n  cluster-orchestrator:useCase: payroll\n",
  // Missing environment key.
  "billing-dev": "config:\n  cluster-orchestrator:useCase: billing\n",
  "legal-ai-dev":
    "config:\n  cluster-orchestrator:environment: dev\n  cluster-orchestrator:useCase: legal-ai\n",
};

function writeStacks(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "changed-stacks-"));
  fs.mkdirSync(path.join(dir, "stacks"));
  for (const [stack, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, "stacks", `Pulumi.${stack}.yaml`), text);
  }
  return dir;
}

let fixture: string;
let bypass: string;
beforeAll(() => {
  fixture = writeStacks(STACK_FILES);
  bypass = writeStacks(BYPASS_FILES);
});
afterAll(() => {
  for (const dir of [fixture, bypass]) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * The mapping as the script runs it: `fleet changed-stacks` (the real loader), in-process for the
 * tables' speed; `viaScript` runs .github/scripts/changed-stacks.sh end to end under bash.
 */
function changedStacks(changed: string[], args: string[] = [], root = fixture, viaScript = false) {
  if (viaScript) {
    const result = spawnSync("bash", [SCRIPT, "--root", root, ...args], {
      input: changed.join("\n"),
      encoding: "utf8",
    });
    return Promise.resolve({
      status: result.status,
      stacks: result.status === 0 ? (JSON.parse(result.stdout) as string[]) : [],
      stderr: result.stderr,
    });
  }
  const out: string[] = [];
  const err: string[] = [];
  return main(["changed-stacks", "--root", root, ...args], {
    rootDir: PROJECT_ROOT,
    env: {},
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    prompt: { interactive: false, ask: () => Promise.resolve("") },
    runner: () => {
      throw new Error("changed-stacks runs no Pulumi");
    },
    http: () => () => Promise.reject(new Error("no HTTP")),
    now: () => new Date(0),
    logDir: null,
    stdin: () => Promise.resolve(changed.join("\n")),
  }).then((status) => ({
    status,
    stacks: status === 0 ? (JSON.parse(out.join("\n")) as string[]) : [],
    stderr: err.join("\n"),
  }));
}

const ALL = ["billing-staging", "healthcare-dev", "healthcare-prod", "legal-ai-dev", "legal-ai-prod"];

describe("changed-stacks.sh", () => {
  test("passes shellcheck", () => {
    if (!requireTool("shellcheck")) return;
    const result = run("shellcheck", ["--severity=style", SCRIPT]);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test.each<[string, string[], string[]]>([
    ["nothing", [], []],
    [
      "docs and tests only",
      ["docs/ci.md", "README.md", "tests/plan.test.ts", "render/report.ts", ".github/workflows/deploy.yml"],
      [],
    ],
    ["a stack file", ["stacks/Pulumi.legal-ai-dev.yaml"], ["legal-ai-dev"]],
    [
      "two stack files, one line ending in CRLF",
      ["stacks/Pulumi.healthcare-prod.yaml\r", "stacks/Pulumi.legal-ai-dev.yaml"],
      ["healthcare-prod", "legal-ai-dev"],
    ],
    ["the prod environment layer", ["Pulumi.prod.yaml"], ["healthcare-prod", "legal-ai-prod"]],
    ["the dev environment layer", ["Pulumi.dev.yaml"], ["healthcare-dev", "legal-ai-dev"]],
    ["another environment's layer", ["Pulumi.staging.yaml"], ["billing-staging"]],
    ["an environment without stacks", ["Pulumi.qa.yaml"], []],
    ["a use-case profile", ["stacks/healthcare.ts"], ["healthcare-dev", "healthcare-prod"]],
    ["another use case's profile", ["stacks/billing.ts"], ["billing-staging"]],
    ["the profile registry", ["stacks/profiles.ts"], ALL],
    ["a component", ["components/nodepool/vmArgs.ts"], ALL],
    ["a boot script", ["cloud-init/scripts/rke2-bootstrap.sh"], ALL],
    ["the entry point", ["index.ts"], ALL],
    ["the lock file", ["package-lock.json"], ALL],
    ["the project file", ["Pulumi.yaml"], ALL],
    ["the policy pack", ["policy/policies/subnet.ts"], ALL],
    ["a ./-prefixed path", ["./stacks/Pulumi.legal-ai-prod.yaml"], ["legal-ai-prod"]],
    ["a removed stack file", ["stacks/Pulumi.gone-dev.yaml"], []],
    ["a stack file plus docs", ["stacks/Pulumi.legal-ai-prod.yaml", "docs/nodes.md"], ["legal-ai-prod"]],
  ])("%s", async (_, changed, expected) => {
    const result = await changedStacks(changed);
    expect(result.status).toBe(0);
    expect(result.stacks).toEqual(expected);
  });

  test("--only splits prod from the rest; --all ignores the input", async () => {
    expect((await changedStacks(["components/x.ts"], ["--only", "prod"])).stacks).toEqual([
      "healthcare-prod",
      "legal-ai-prod",
    ]);
    expect((await changedStacks(["components/x.ts"], ["--only", "nonprod"])).stacks).toEqual([
      "billing-staging",
      "healthcare-dev",
      "legal-ai-dev",
    ]);
    expect((await changedStacks([], ["--all"])).stacks).toEqual(ALL);
    expect((await changedStacks(["docs/x.md"], ["--all", "--only", "prod"])).stacks).toEqual([
      "healthcare-prod",
      "legal-ai-prod",
    ]);
  });

  test("the proven prod bypasses and undeterminable stacks only ever reach the gated job", async () => {
    const all = Object.keys(BYPASS_FILES).sort();
    const gated = all.filter((s) => s !== "legal-ai-dev");
    expect(await changedStacks([], ["--all", "--only", "nonprod"], bypass, true)).toMatchObject({
      status: 0,
      stacks: ["legal-ai-dev"],
    });
    expect((await changedStacks([], ["--all", "--only", "prod"], bypass, true)).stacks).toEqual(gated);
    // The same reading, cached for speed (see changedStacks): each bypass file changed on its own: never in the non-prod list, always in the prod one.
    for (const stack of gated) {
      const file = `stacks/Pulumi.${stack}.yaml`;
      expect([stack, (await changedStacks([file], ["--only", "nonprod"], bypass)).stacks]).toEqual([
        stack,
        [],
      ]);
      expect([stack, (await changedStacks([file], ["--only", "prod"], bypass)).stacks]).toEqual([
        stack,
        [stack],
      ]);
    }
    // An undeterminable stack is in every environment's and every use case's selection.
    const unknown = ["billing-dev", "payroll-dev", "records-dev"];
    expect((await changedStacks(["Pulumi.dev.yaml"], [], bypass)).stacks).toEqual(
      [...unknown, "legal-ai-dev"].sort(),
    );
    expect((await changedStacks(["stacks/legal-ai.ts"], [], bypass)).stacks).toEqual([
      "legal-ai-dev",
      "legal-ai-prod",
      "records-dev",
    ]);
  });

  test("reports a removed stack on stderr and rejects bad arguments", async () => {
    expect((await changedStacks(["stacks/Pulumi.gone-dev.yaml"])).stderr).toContain(
      "stacks/Pulumi.gone-dev.yaml no longer exists",
    );
    expect(await changedStacks([], ["--only", "staging"])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("Allowed choices are prod, nonprod"),
    });
    expect((await changedStacks([], ["--bogus"])).status).toBe(2);
    expect(await changedStacks([], [], path.join(fixture, "stacks"))).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("no stacks/ directory"),
    });
  });

  test("on the project: the stacks, environments and use cases the config loader sees", async () => {
    const stacks = listStacks(PROJECT_ROOT);
    // The management stack first (the deploy order), the others by name.
    expect((await changedStacks([], ["--all"], PROJECT_ROOT, true)).stacks).toEqual(managementFirst(stacks));
    for (const stack of stacks) {
      const { spec } = loadStack(stack, { rootDir: PROJECT_ROOT, profiles, crossCheck: false });
      expect((await changedStacks([`Pulumi.${spec.environment}.yaml`], [], PROJECT_ROOT)).stacks).toContain(
        stack,
      );
      expect((await changedStacks([`stacks/${spec.useCase}.ts`], [], PROJECT_ROOT)).stacks).toContain(stack);
      const only = spec.environment === "prod" ? "prod" : "nonprod";
      expect((await changedStacks([], ["--all", "--only", only], PROJECT_ROOT)).stacks).toContain(stack);
    }
  });

  test("every file the program loads touches every stack (a use-case profile: its own stacks)", async () => {
    const stacks = listStacks(PROJECT_ROOT);
    const useCases = new Set(Object.keys(profiles));
    const files = [...programFiles(path.join(PROJECT_ROOT, "index.ts"))];
    expect(files).toEqual(
      expect.arrayContaining(["components/program.ts", "stacks/profiles.ts", "cloud-init/userData.ts"]),
    );
    for (const file of files) {
      const useCase = /^stacks\/([^/]+)\.ts$/.exec(file)?.[1];
      const expected =
        useCase !== undefined && useCases.has(useCase)
          ? stacks.filter((s) => s.startsWith(`${useCase}-`))
          : stacks;
      expect([file, (await changedStacks([file], [], PROJECT_ROOT)).stacks]).toEqual([
        file,
        managementFirst(expected),
      ]);
    }
    for (const file of [
      "Pulumi.yaml",
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "cloud-init/scripts/rke2-bootstrap.sh",
    ]) {
      expect([file, (await changedStacks([file], [], PROJECT_ROOT)).stacks]).toEqual([
        file,
        managementFirst(stacks),
      ]);
    }
  });
});

/** The project's own TypeScript files `entry` loads, transitively (relative imports only). */
function programFiles(entry: string, seen = new Set<string>()): Set<string> {
  const relative = path.relative(PROJECT_ROOT, entry);
  if (seen.has(relative)) return seen;
  seen.add(relative);
  const source = fs.readFileSync(entry, "utf8");
  for (const match of source.matchAll(/(?:from|import|require)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    const base = path.resolve(path.dirname(entry), match[1]!);
    const file = [`${base}.ts`, path.join(base, "index.ts"), base].find(
      (f) => fs.existsSync(f) && fs.statSync(f).isFile(),
    );
    if (file !== undefined) programFiles(file, seen);
  }
  return seen;
}

/** The expected deploy order, written out independently: rancher-prod (the management stack) first. */
function managementFirst(stacks: string[]): string[] {
  return [...stacks.filter((s) => s === "rancher-prod"), ...stacks.filter((s) => s !== "rancher-prod")];
}
