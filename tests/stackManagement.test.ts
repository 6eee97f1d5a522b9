/**
 * The management stack's cross-stack checks (components/stack/management.ts, docs/rancher.md): its
 * own settings, the links of ordinary stacks to it, and its identities checked across environments
 * (the ordinary collision checks compare numbers and names within one environment only).
 */
import { checkManagement, rancherHostname } from "../components/stack/management";
import type { LoadedStack } from "../components/stack/types";
import { loadedStack, macOf, type StackShape } from "./helpers/loadedStacks";

const key = (path: string) => `cluster-orchestrator:${path}`;

/** The management stack: prod, cluster 9, no Rancher registration of its own. */
const mgmt = (shape: StackShape = {}, stack = "rancher-prod") =>
  loadedStack(stack, {
    environment: "prod",
    number: 9,
    management: true,
    rancher: { mode: "none" },
    kubeconfigSource: "node",
    ...shape,
  });

/** An ordinary dev stack, cluster 1, importing into Rancher. */
const user = (shape: StackShape = {}, stack = "legal-ai-dev") =>
  loadedStack(stack, { environment: "dev", number: 1, rancher: { mode: "import" }, ...shape });

const problemsOf = (self: LoadedStack, others: LoadedStack[] = []) =>
  checkManagement(self, others).map((p) => [p.key, p.message]);

describe("the management stack's own settings", () => {
  test("valid: no problem", () => {
    expect(checkManagement(mgmt(), [user()])).toEqual([]);
  });

  test.each(["import", "custom"] as const)("rancher.mode %s on the management stack is refused", (mode) => {
    expect(checkManagement(mgmt({ rancher: { mode } }), [])).toEqual([
      {
        key: key("rancher.mode"),
        file: "stacks/Pulumi.rancher-prod.yaml",
        message: "the management stack runs Rancher itself: set rancher.mode: none",
      },
    ]);
  });

  test.each<[string, boolean]>([
    ["v1.34.9+rke2r1", false],
    ["v1.35.0+rke2r1", true],
    ["v2.1.0+rke2r1", true],
    ["v0.99.0+rke2r1", false],
  ])("RKE2 %s against the Rancher chart's kubeVersion < 1.35: refused %s", (version, refused) => {
    expect(problemsOf(mgmt({ rke2Version: version })).map(([k]) => k)).toEqual(
      refused ? [key("rke2.version")] : [],
    );
  });

  test("the chart limit applies to the management stack only", () => {
    expect(checkManagement(user({ rke2Version: "v1.35.0+rke2r1" }), [mgmt()])).toEqual([]);
  });

  test("a `management` section on an ordinary stack is refused; on the management stack it is its own", () => {
    const section = { hostname: "rancher.lab.example.net", tls: "rancher" } as const;
    expect(problemsOf(user({ managementSpec: section }), [mgmt()])).toEqual([
      [key("management"), "only a management stack (use case with management: true) takes this key"],
    ]);
    expect(checkManagement(mgmt({ managementSpec: section }), [])).toEqual([]);
  });
});

describe("kubeconfig.source rancher needs a Rancher", () => {
  test.each<[string, "import" | "custom" | "none", "rancher" | "node", boolean]>([
    ["no Rancher, from Rancher", "none", "rancher", true],
    ["no Rancher, from the node", "none", "node", false],
    ["imported, from Rancher", "import", "rancher", false],
    ["custom, from Rancher", "custom", "rancher", false],
  ])("%s: refused %s", (_case, mode, source, refused) => {
    const self = user({ rancher: { mode, managementStack: undefined }, kubeconfigSource: source });
    expect(problemsOf(self)).toEqual(
      refused
        ? [
            [
              key("kubeconfig.source"),
              "rancher.mode is none: no Rancher to take the kubeconfig from; use source: node",
            ],
          ]
        : [],
    );
  });
});

describe("rancher.managementStack names a management stack of this project", () => {
  const linked = (ref: string | undefined, mode: "import" | "none" = "import") =>
    user({ rancher: { mode, managementStack: ref }, kubeconfigSource: "node" });

  test("an existing management stack: no problem", () => {
    expect(checkManagement(linked("rancher-prod"), [user({}, "healthcare-dev"), mgmt()])).toEqual([]);
  });

  test("a stack that does not exist", () => {
    expect(problemsOf(linked("rancher-stage"), [mgmt()])).toEqual([
      [
        key("rancher.managementStack"),
        "no stack 'rancher-stage' in stacks/ (stacks/Pulumi.rancher-stage.yaml)",
      ],
    ]);
  });

  test("a stack that exists but is no management stack", () => {
    expect(problemsOf(linked("healthcare-dev"), [user({ number: 2 }, "healthcare-dev"), mgmt()])).toEqual([
      [
        key("rancher.managementStack"),
        "stack 'healthcare-dev' is not a management stack (its use case installs no Rancher)",
      ],
    ]);
  });

  test.each<[string, ReturnType<typeof linked>]>([
    [
      "a reference to another project (org/project/stack) is not looked up here",
      linked("org/mgmt/rancher-prod"),
    ],
    ["no Rancher: the reference is unused", linked("rancher-stage", "none")],
    ["no reference", linked(undefined)],
  ])("%s", (_case, self) => {
    expect(checkManagement(self, [])).toEqual([]);
  });
});

describe("the management stack's identities are unique across environments, in both directions", () => {
  /** A prod management stack and a dev stack sharing `shared` (number and/or host names). */
  const clash = { number: 9, hosts: ["cluster9-server1"], macs: [macOf(99, 0)] };

  test.each<[string, () => [LoadedStack, LoadedStack[]]]>([
    ["from the management stack", () => [mgmt(), [user(clash)]]],
    ["from the other stack", () => [user(clash), [mgmt()]]],
  ])("same number and host name in another environment, checked %s", (_dir, pair) => {
    const [self, others] = pair();
    const other = others[0]!.stack;
    expect(problemsOf(self, others)).toEqual([
      [
        key("cluster.number"),
        `cluster number 9 is also used by stack ${other}; the management stack's number is unique across environments`,
      ],
      [key("cluster.hostnamePattern"), `host name(s) cluster9-server1 also used by stack ${other}`],
    ]);
  });

  test("only host names shared: only that problem, listing each in the management stack's order", () => {
    expect(problemsOf(mgmt({ hosts: ["a", "shared", "b"] }), [user({ hosts: ["b", "shared"] })])).toEqual([
      [key("cluster.hostnamePattern"), "host name(s) shared, b also used by stack legal-ai-dev"],
    ]);
  });

  test("only the number shared: only that problem", () => {
    expect(problemsOf(mgmt(), [user({ number: 9, hosts: ["x1"] })]).map(([k]) => k)).toEqual([
      key("cluster.number"),
    ]);
  });

  test("the same environment is left to the ordinary collision check, in both directions", () => {
    expect(checkManagement(mgmt(), [user({ ...clash, environment: "prod" }, "legal-ai-prod")])).toEqual([]);
    expect(checkManagement(user({ ...clash, environment: "prod" }, "legal-ai-prod"), [mgmt()])).toEqual([]);
  });

  test("two ordinary stacks of different environments may share numbers and names", () => {
    expect(checkManagement(user(clash), [user({ ...clash, environment: "prod" }, "legal-ai-prod")])).toEqual(
      [],
    );
  });
});

describe("Rancher's host name is no name of another stack", () => {
  test("rancherHostname: management.hostname, else rancher.<network.domain>", () => {
    expect(rancherHostname(mgmt({ domain: "corp.example" }))).toBe("rancher.corp.example");
    expect(rancherHostname(mgmt({ managementSpec: { hostname: "r.example.org", tls: "rancher" } }))).toBe(
      "r.example.org",
    );
  });

  test.each<[string, StackShape]>([
    ["its API name", { apiFqdn: "rancher.lab.example.net" }],
    ["a node's name", { hosts: ["rancher"], domain: "lab.example.net" }],
  ])("another stack (any environment) with Rancher's name as %s", (_what, shape) => {
    // The node's FQDN in the fixture is <host>.<stack>.<domain>: name the stack so it lands on it.
    const stack = shape.apiFqdn ? "healthcare-prod" : "lab";
    const other = loadedStack(stack, {
      environment: "prod",
      number: 4,
      ...shape,
      domain: shape.apiFqdn ? undefined : "example.net",
    });
    expect(problemsOf(mgmt(), [other])).toEqual([
      [key("management.hostname"), `rancher.lab.example.net is also a name of stack ${stack}`],
    ]);
  });

  test("a name that only resembles it is no clash, and an ordinary stack is not checked", () => {
    const near = user({ apiFqdn: "rancher.lab.example.net.", hosts: ["rancher"] });
    expect(checkManagement(mgmt(), [near])).toEqual([]);
    const taken = user({ apiFqdn: "rancher.lab.example.net" }, "healthcare-dev");
    expect(checkManagement(user(), [taken])).toEqual([]);
  });
});
