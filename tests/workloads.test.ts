/**
 * Workloads of every stack: every Kubernetes object validated against the Kubernetes OpenAPI
 * schemas (kubernetes-models), charts pinned, guard rails in every namespace, and what turning a
 * workload off or changing it does to the rest of the stack.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { LimitRange } from "kubernetes-models/v1/LimitRange";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { Secret } from "kubernetes-models/v1/Secret";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { ConfigError } from "../components/config/errors";
import { loadStack } from "../components/stack/load";
import { listStacks } from "../components/config/sources";
import { PROJECT_ROOT } from "../components/program";
import { CHARTS } from "../components/workloads/charts";
import {
  replicaCount,
  SINGLE_REPLICA_CLASS,
  STORAGE_NAMESPACE,
  toleration,
} from "../components/workloads/storage";
import { BURST_TAINT } from "../components/workloads/accountingAnalytics";
import { DATA_DISK_NODE_LABEL } from "../components/plan/clusterPlan";
import { apiServerAddresses } from "../components/workloads/plan";
import { isMockSecret, type RecordedResource } from "../render/mocks";
import { profiles } from "../stacks/profiles";
import { copyProjectConfig, runInMocks, type ProgramRun } from "./helpers/program";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "kubernetes:core/v1:Namespace": Namespace,
  "kubernetes:core/v1:ConfigMap": ConfigMap,
  "kubernetes:core/v1:Secret": Secret,
  "kubernetes:core/v1:ResourceQuota": ResourceQuota,
  "kubernetes:core/v1:LimitRange": LimitRange,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": NetworkPolicy,
  "kubernetes:networking.k8s.io/v1:Ingress": Ingress,
  "kubernetes:storage.k8s.io/v1:StorageClass": StorageClass,
};
/** Required fields of the custom resources, from their CRDs (docs/workloads.md). */
const CUSTOM_REQUIRED: Record<string, string[]> = {
  "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication": [
    "spec.schedule",
    "spec.template.type",
    "spec.template.sparkVersion",
    "spec.template.driver",
    "spec.template.executor",
    "spec.template.mainApplicationFile",
  ],
  "kubernetes:postgresql.cnpg.io/v1:Cluster": [
    "spec.instances",
    "spec.storage.size",
    "spec.bootstrap.initdb.database",
    "spec.bootstrap.initdb.owner",
  ],
};

const unwrap = (v: unknown): unknown => (isMockSecret(v) ? v.value : v);

/** The object as the API server would receive it, rebuilt from the recorded inputs. */
function kubeObject(r: RecordedResource): Record<string, unknown> {
  const [, groupVersion, kind] = r.type.split(":");
  const apiVersion = groupVersion!.startsWith("core/") ? groupVersion!.slice(5) : groupVersion!;
  const fields = [
    "metadata",
    "spec",
    "data",
    "stringData",
    "type",
    "provisioner",
    "parameters",
    "reclaimPolicy",
    "volumeBindingMode",
    "allowVolumeExpansion",
  ].filter((k) => r.inputs[k] !== undefined);
  return { apiVersion, kind, ...Object.fromEntries(fields.map((k) => [k, unwrap(r.inputs[k])])) };
}

function get(o: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
}

const kubeResources = (run: ProgramRun) =>
  run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== RELEASE);

// The management stack installs Rancher, not use-case workloads (tests/management.test.ts).
const useCaseStacks = listStacks(PROJECT_ROOT).filter(
  (s) => loadStack(s, { rootDir: PROJECT_ROOT, profiles, crossCheck: false }).profile.management !== true,
);
describe.each(useCaseStacks)("workloads of %s", (stack) => {
  const loaded = loadStack(stack, { rootDir: PROJECT_ROOT, profiles });
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runInMocks(stack);
  });

  test("every Kubernetes object passes the Kubernetes OpenAPI schema (custom resources: their CRD's required fields)", () => {
    const objects = kubeResources(run);
    expect(objects.length).toBeGreaterThan(10);
    for (const r of objects) {
      const Model = MODELS[r.type];
      const required = CUSTOM_REQUIRED[r.type];
      if (Model) expect(() => new Model(kubeObject(r) as never).validate()).not.toThrow();
      else if (required)
        for (const field of required)
          expect([r.name, field, get(kubeObject(r), field)]).not.toContainEqual(undefined);
      else throw new Error(`no schema check for ${r.type} (${r.name})`);
    }
  });

  test("every chart is pinned to an exact version from the catalogue", () => {
    const releases = run.resources.filter((r) => r.type === RELEASE);
    expect(releases.length).toBeGreaterThan(0);
    const catalogue = Object.values(CHARTS);
    for (const r of releases) {
      expect(r.inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(catalogue).toContainEqual(
        expect.objectContaining({
          chart: r.inputs.chart,
          version: r.inputs.version,
          repo: (r.inputs.repositoryOpts as { repo: string }).repo,
        }),
      );
    }
  });

  test("guard rails in every workload namespace", () => {
    const namespaces = run.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace");
    expect(namespaces.map((n) => (n.inputs.metadata as { name: string }).name).sort()).toEqual(
      loaded.workloads.map((w) => w.namespace).sort(),
    );
    for (const ns of namespaces) {
      const meta = ns.inputs.metadata as { name: string; labels: Record<string, string> };
      // Longhorn's node daemons need privileged pods and open node traffic: infrastructure like kube-system.
      if (meta.name === STORAGE_NAMESPACE) {
        expect(meta.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
        continue;
      }
      expect(meta.labels["pod-security.kubernetes.io/enforce"]).toBe(loaded.profile.hardening.podSecurity);
      const inNs = kubeResources(run).filter(
        (r) => (r.inputs.metadata as { namespace?: string }).namespace === meta.name,
      );
      const policies = inNs.filter((r) => r.type.endsWith(":NetworkPolicy")).map((r) => kubeObject(r));
      const byName = Object.fromEntries(policies.map((p) => [get(p, "metadata.name"), p]));
      expect(get(byName["default-deny"], "spec")).toEqual({
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
      });
      expect(JSON.stringify(get(byName["allow-dns"], "spec.egress"))).toContain('"port":53');
      expect(JSON.stringify(get(byName["allow-ingress-controller"], "spec.ingress"))).toContain(
        "rke2-ingress-nginx",
      );
      expect(inNs.some((r) => r.type.endsWith(":ResourceQuota"))).toBe(true);
      expect(inNs.some((r) => r.type.endsWith(":LimitRange"))).toBe(true);
    }
  });

  const releases = () => run.resources.filter((r) => r.type === RELEASE);
  const values = (r: RecordedResource) => unwrap(r.inputs.values) as Record<string, unknown>;

  // RKE2 ships no provisioner (docs/workloads.md#storage): without a default StorageClass every PVC
  // stays Pending. Fails on the old code: there was no storage release at all.
  test("storage first: Longhorn is the default StorageClass, replicas only where a data disk is, every release after it", () => {
    const longhorn = releases().find((r) => r.inputs.chart === "longhorn")!;
    expect(longhorn).toBeDefined();
    expect(longhorn.inputs.namespace).toBe(STORAGE_NAMESPACE);
    const dataNodes = loaded.plan.nodes.filter((n) => n.dataDiskGiB !== null);
    expect(dataNodes.length).toBeGreaterThan(0);
    const v = values(longhorn);
    expect(get(v, "persistence.defaultClass")).toBe(true);
    const replicas = get(v, "persistence.defaultClassReplicaCount") as number;
    expect(replicas).toBeGreaterThanOrEqual(1);
    expect(replicas).toBeLessThanOrEqual(dataNodes.length);
    expect(replicas).toBe(Math.min(loaded.spec.environment === "dev" ? 2 : 3, dataNodes.length));
    // Replicas live on the data disk (mounted on /var/lib/rancher), only on nodes labelled for it.
    expect(get(v, "defaultSettings.createDefaultDiskLabeledNodes")).toBe(true);
    expect(String(get(v, "defaultSettings.defaultDataPath"))).toMatch(/^\/var\/lib\/rancher\//);
    for (const n of loaded.plan.nodes)
      expect([n.hostname, n.labels[DATA_DISK_NODE_LABEL]]).toEqual([
        n.hostname,
        n.dataDiskGiB !== null ? "true" : undefined,
      ]);
    // Longhorn's CSI plugin must run on every tainted pool, or pods there cannot mount volumes.
    for (const taint of new Set(loaded.plan.nodes.flatMap((n) => n.taints))) {
      expect(get(v, "longhornManager.tolerations")).toContainEqual(toleration(taint));
      expect(get(v, "longhornDriver.tolerations")).toContainEqual(toleration(taint));
      expect(String(get(v, "defaultSettings.taintToleration")).split(";")).toContain(taint);
    }
    for (const r of releases().filter((x) => x !== longhorn)) {
      expect(r.dependencies).toContain(longhorn.urn);
      expect(r.options.retainOnDelete).toBe(false);
    }
    // Uninstalling Longhorn would delete every volume (chart/templates/uninstall-job.yaml at v1.12.1).
    expect(longhorn.options.retainOnDelete).toBe(true);
    expect(get(v, "defaultSettings.deletingConfirmationFlag")).toBeUndefined();
  });

  // Three application copies times three Longhorn replicas would not fit the data disks.
  test("workloads that replicate themselves in prod keep one Longhorn copy per volume; dev uses the default class", () => {
    const single = kubeResources(run).find((r) => r.type.endsWith(":StorageClass"))!;
    expect(kubeObject(single)).toMatchObject({
      metadata: { name: SINGLE_REPLICA_CLASS },
      provisioner: "driver.longhorn.io",
      parameters: { numberOfReplicas: "1", dataLocality: "best-effort" },
    });
    const longhorn = releases().find((r) => r.inputs.chart === "longhorn")!;
    expect(single.dependencies).toContain(longhorn.urn);
    const prod = loaded.spec.environment !== "dev";
    const expected = prod ? SINGLE_REPLICA_CLASS : undefined;
    const classes: unknown[] = [];
    for (const r of releases()) {
      const v = values(r);
      if (r.inputs.chart === "opensearch") classes.push(get(v, "persistence.storageClass"));
      if (r.inputs.chart === "valkey" && prod) classes.push(get(v, "replica.persistence.storageClass"));
      if (r.inputs.chart === "seaweedfs") {
        classes.push((get(v, "volume.dataDirs") as { storageClass?: string }[])[0]!.storageClass);
        expect(get(v, "master.defaultReplication")).toBe(prod ? "001" : "000");
      }
    }
    const db = run.resources.find((r) => r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster");
    if (db) classes.push(get(kubeObject(db), "spec.storage.storageClass"));
    expect(classes.length).toBeGreaterThan(0);
    for (const c of classes) expect(c).toBe(expected);
  });

  test("Valkey renders: replica mode carries replica.persistence.size (the chart fails without it)", () => {
    for (const r of releases().filter((x) => x.inputs.chart === "valkey")) {
      const v = values(r);
      if (get(v, "replica.enabled") === true) {
        expect(get(v, "replica.persistence.size")).toMatch(/^\d+Gi$/);
        const user = get(v, "replica.replicationUser") as string;
        expect(Object.keys(get(v, "auth.aclUsers") as object)).toContain(user);
      } else expect(get(v, "dataStorage.requestedSize")).toMatch(/^\d+Gi$/);
    }
  });

  test("the database before the FHIR server: the CNPG Cluster waits for Ready, then the release", () => {
    const db = run.resources.find((r) => r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster");
    const hapi = releases().find((r) => r.inputs.chart === "hapi-fhir-jpaserver");
    if (!hapi) return expect(db).toBeUndefined();
    expect(get(kubeObject(db!), "metadata.annotations")).toMatchObject({
      "pulumi.com/waitFor": "condition=Ready",
    });
    expect(hapi.dependencies).toContain(db!.urn);
    expect(db!.dependencies).not.toContain(hapi.urn);
  });

  test("the burst pool's taint is tolerated by Spark executors only", () => {
    const burst = loaded.plan.nodes.some((n) => n.taints.includes(BURST_TAINT));
    const app = run.resources.find((r) => r.type.endsWith(":ScheduledSparkApplication"));
    if (!app) return expect(burst).toBe(false);
    const spec = kubeObject(app);
    const executorTolerations = (get(spec, "spec.template.executor.tolerations") ?? []) as unknown[];
    expect(executorTolerations.length > 0).toBe(burst);
    if (burst) expect(executorTolerations).toContainEqual(toleration(BURST_TAINT));
    expect(get(spec, "spec.template.driver.tolerations")).toBeUndefined();
  });

  // Issue 9 #5 and issue 14 #8: the old "allow-control-plane" admitted the whole node subnet (DHCP burst
  // VMs included) on every port, into etl too, and gave CNPG's database pods no API access.
  test("control-plane openings: webhook ports only, from the pod network and the servers; API egress to the servers only", () => {
    const policies = kubeResources(run)
      .filter((r) => r.type.endsWith(":NetworkPolicy"))
      .map((r) => kubeObject(r));
    // The VIP and the server block (stable when servers are added), never a worker or DHCP address.
    const serverBlock = loaded.plan.network.blocks.find((b) => b.name === "servers")!;
    const apiTargets = [loaded.plan.network.vip, ...apiServerAddresses(loaded.plan)]
      .map((a) => `${a}/32`)
      .filter((a, i, all) => all.indexOf(a) === i)
      .sort();
    for (const n of loaded.plan.nodes.filter((x) => x.role === "server"))
      expect(apiTargets).toContain(`${n.ip}/32`);
    expect(apiTargets).toHaveLength(serverBlock.size + 1);
    for (const n of loaded.plan.nodes.filter((x) => x.role === "agent" && x.ip !== null))
      expect(apiTargets).not.toContain(`${n.ip}/32`);
    const webhookNamespaces: string[] = [];
    for (const p of policies) {
      const text = JSON.stringify(p);
      // No rule anywhere admits (or targets) the whole node subnet any more.
      expect(text).not.toContain(`"cidr":"${loaded.plan.network.cidr}"`);
      for (const rule of (get(p, "spec.ingress") ?? []) as { from?: unknown[]; ports?: unknown[] }[]) {
        const fromIpBlock = (rule.from ?? []).some((f) => (f as { ipBlock?: unknown }).ipBlock);
        if (!fromIpBlock) continue;
        webhookNamespaces.push(get(p, "metadata.namespace") as string);
        expect(rule.ports).toEqual([{ protocol: "TCP", port: 9443 }]);
        expect(rule.from).toContainEqual({ ipBlock: { cidr: loaded.spec.rke2.clusterCidr } });
      }
      if (get(p, "metadata.name") === "allow-api-server") {
        const [rule] = get(p, "spec.egress") as { to: { ipBlock: { cidr: string } }[]; ports: unknown[] }[];
        expect(rule!.to.map((t) => t.ipBlock.cidr).sort()).toEqual(apiTargets);
        expect(rule!.ports).toEqual([{ protocol: "TCP", port: 6443 }]);
      }
    }
    const operators = loaded.workloads
      .filter((w) => ["spark-operator", "postgres-operator"].includes(w.name))
      .map((w) => w.namespace);
    expect(webhookNamespaces.sort()).toEqual(operators.sort());
    expect(webhookNamespaces).not.toContain("etl");
    const withApi = policies
      .filter((p) => get(p, "metadata.name") === "allow-api-server")
      .map((p) => get(p, "metadata.namespace"));
    for (const ns of ["emr", "cnpg-system", "spark-operator", "etl"])
      expect(withApi.includes(ns)).toBe(loaded.workloads.some((w) => w.namespace === ns));
  });

  // Issue 14 #4. Fails on the old code: the chart's Ingress published the FHIR API with no
  // authentication and to every address.
  test("no anonymous API: every Ingress demands basic auth against a generated credential, from the allowlisted ranges only", () => {
    const ingresses = kubeResources(run).filter((r) => r.type.endsWith(":Ingress"));
    for (const r of releases()) expect(get(values(r), "ingress.enabled")).not.toBe(true);
    const hapi = releases().find((r) => r.inputs.chart === "hapi-fhir-jpaserver");
    expect(ingresses.length).toBe(hapi ? 1 : 0);
    for (const r of ingresses) {
      const o = kubeObject(r);
      const annotations = get(o, "metadata.annotations") as Record<string, string>;
      expect(get(o, "spec.ingressClassName")).toBe("nginx");
      expect(annotations["nginx.ingress.kubernetes.io/auth-type"]).toBe("basic");
      const ranges = annotations["nginx.ingress.kubernetes.io/whitelist-source-range"]!.split(",");
      expect(ranges).toEqual([loaded.spec.network.supernet]);
      expect(get(o, "spec.tls")).toEqual([
        { secretName: "ingress-tls", hosts: [`fhir.${loaded.plan.network.zone}`] },
      ]);
      const secretName = annotations["nginx.ingress.kubernetes.io/auth-secret"];
      const secret = kubeResources(run).find(
        (x) =>
          x.type === "kubernetes:core/v1:Secret" &&
          get(x.inputs.metadata, "name") === secretName &&
          get(x.inputs.metadata, "namespace") === get(o, "metadata.namespace"),
      )!;
      expect(isMockSecret(secret.inputs.stringData)).toBe(true);
      expect(get(unwrap(secret.inputs.stringData), "auth")).toMatch(/^fhir:\$2[aby]\$\d\d\$/);
      // The Ingress goes to the chart's Service by the name the release fixes.
      const service = get(values(hapi!), "fullnameOverride");
      expect(JSON.stringify(get(o, "spec.rules"))).toContain(`"name":"${String(service)}"`);
    }
  });

  // Issue 14 #9. Fails on the old code: the image ran its demo installer (demo certificates and
  // demo users), since nothing set DISABLE_INSTALL_DEMO_CONFIG.
  test("OpenSearch runs on the cluster's own certificates and users; the demo configuration is off", () => {
    const release = releases().find((r) => r.inputs.chart === "opensearch");
    if (!release) return;
    const v = values(release);
    const env = get(v, "extraEnvs") as { name: string; value?: string }[];
    expect(env).toContainEqual({ name: "DISABLE_INSTALL_DEMO_CONFIG", value: "true" });
    expect(env.map((e) => e.name)).not.toContain("OPENSEARCH_INITIAL_ADMIN_PASSWORD");
    const yml = parse(String(get(v, "config")!["opensearch.yml" as keyof object])) as Record<string, unknown>;
    expect(yml["plugins.security.allow_unsafe_democertificates"]).toBe(false);
    expect(yml["plugins.security.ssl.http.enabled"]).toBe(true);
    const [mount] = get(v, "secretMounts") as { secretName: string; path: string }[];
    expect(mount!.path).toBe("/usr/share/opensearch/config/certs");
    for (const kind of ["transport", "http"])
      for (const [file, key] of [
        ["pemcert", "node.crt"],
        ["pemkey", "node.key"],
        ["pemtrustedcas", "ca.crt"],
      ])
        expect(yml[`plugins.security.ssl.${kind}.${file}_filepath`]).toBe(`certs/${key}`);
    const inNs = (type: string) =>
      run.resources.filter(
        (r) =>
          r.type === type &&
          [undefined, "opensearch"].includes(get(r.inputs.metadata, "namespace") as string),
      );
    const secretNamed = (name: string) =>
      inNs("kubernetes:core/v1:Secret").find((r) => get(r.inputs.metadata, "name") === name)!;
    // The certificates' Secret, generated in the program, secret in state.
    const tlsSecret = secretNamed(mount!.secretName);
    expect(isMockSecret(tlsSecret.inputs.stringData)).toBe(true);
    expect(Object.keys(unwrap(tlsSecret.inputs.stringData) as object).sort()).toEqual(
      ["admin.crt", "admin.key", "ca.crt", "node.crt", "node.key"].sort(),
    );
    const csrs = inNs("tls:index/certRequest:CertRequest").filter((r) => r.name.includes("-opensearch-"));
    const subject = (cn: string) =>
      csrs.find((r) => get(r.inputs.subject, "commonName") === cn)!.inputs.subject;
    const dn = (cn: string) => `CN=${cn},O=${String(get(subject(cn), "organization"))}`;
    expect(yml["plugins.security.authcz.admin_dn"]).toEqual([dn("opensearch-admin")]);
    expect(yml["plugins.security.nodes_dn"]).toEqual([dn("opensearch-node")]);
    const nodeCsr = csrs.find((r) => get(r.inputs.subject, "commonName") === "opensearch-node")!;
    expect(nodeCsr.inputs.dnsNames).toEqual(
      expect.arrayContaining([
        "opensearch-cluster-master.opensearch.svc",
        "*.opensearch-cluster-master-headless",
      ]),
    );
    const [ca] = inNs("tls:index/selfSignedCert:SelfSignedCert").filter((r) =>
      r.name.includes("-opensearch-"),
    );
    expect(ca!.inputs.isCaCertificate).toBe(true);
    // Only our admin in the security plugin's user database (the image's file has demo users).
    const users = secretNamed(String(get(v, "securityConfig.internalUsersSecret")));
    expect(isMockSecret(users.inputs.stringData)).toBe(true);
    const files = unwrap(users.inputs.stringData) as Record<string, string>;
    const db = parse(files["internal_users.yml"]!) as Record<string, unknown>;
    expect(Object.keys(db).sort()).toEqual(["_meta", "admin"]);
    expect(get(db, "admin.hash")).toMatch(/^\$2[aby]\$/);
  });

  test("generated workload passwords stay secret", () => {
    for (const s of run.resources.filter((r) => r.type === "kubernetes:core/v1:Secret")) {
      expect(isMockSecret(s.inputs.stringData)).toBe(true);
    }
  });

  test("workloads only depend on the cluster through its Kubernetes provider, never on a VM", () => {
    const vmUrns = new Set(
      run.resources.filter((r) => r.type === "xenorchestra:index/vm:Vm").map((r) => r.urn),
    );
    for (const r of run.resources.filter((r) => r.type.startsWith("kubernetes:"))) {
      expect(r.dependencies.filter((d) => vmUrns.has(d))).toEqual([]);
    }
  });
});

describe("changing workloads by pull request", () => {
  const dir = copyProjectConfig();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const edit = (stack: string, change: (c: Record<string, unknown>) => void) => {
    const file = path.join(dir, "stacks", `Pulumi.${stack}.yaml`);
    const doc = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    change(doc.config);
    fs.writeFileSync(file, stringify(doc));
  };
  const inputsByUrn = (run: ProgramRun) =>
    new Map(run.resources.map((r) => [r.urn, JSON.stringify(r.inputs)]));
  const infra = (urn: string) => /xenorchestra:|rancher2:|random:index\/randomString|join-token/.test(urn);

  test("a value change touches only that release: no VM, network or Rancher input changes", async () => {
    const before = inputsByUrn(await runInMocks("legal-ai-dev", dir));
    edit("legal-ai-dev", (c) => {
      c["cluster-orchestrator:workloads"] = {
        components: { opensearch: { values: { persistence: { size: "80Gi" } } } },
      };
    });
    const after = inputsByUrn(await runInMocks("legal-ai-dev", dir));
    const changed = [...after.keys()].filter((urn) => before.get(urn) !== after.get(urn));
    expect(changed).toEqual([
      expect.stringMatching(/Release::legal-ai-dev-workloads-opensearch-opensearch$/),
    ]);
    expect(after.get(changed[0]!)).toContain('"size":"80Gi"');
    for (const urn of after.keys()) if (infra(urn)) expect(after.get(urn)).toBe(before.get(urn));
  });

  test("turning a component off removes exactly its resources", async () => {
    edit("legal-ai-dev", (c) => delete c["cluster-orchestrator:workloads"]);
    const before = inputsByUrn(await runInMocks("legal-ai-dev", dir));
    edit("legal-ai-dev", (c) => {
      c["cluster-orchestrator:workloads"] = { components: { cache: { enabled: false } } };
    });
    const after = inputsByUrn(await runInMocks("legal-ai-dev", dir));
    const removed = [...before.keys()].filter((urn) => !after.has(urn));
    expect(removed.length).toBeGreaterThanOrEqual(8);
    for (const urn of removed) expect(urn).toMatch(/legal-ai-dev-workloads-cache/);
    for (const [urn, inputs] of after) expect(inputs).toBe(before.get(urn));
  });

  test("workloads: none gives a bare cluster", async () => {
    edit("healthcare-dev", (c) => {
      c["cluster-orchestrator:workloads"] = "none";
    });
    const run = await runInMocks("healthcare-dev", dir);
    expect(run.resources.filter((r) => r.type.startsWith("kubernetes:"))).toEqual([]);
    expect(run.resources.filter((r) => r.type === "pulumi:providers:kubernetes")).toHaveLength(1);
  });

  test.each([
    [
      "an unknown component",
      { components: { elasticsearch: { enabled: true } } },
      "cluster-orchestrator:workloads.components.elasticsearch",
      "not a component of use case legal-ai",
    ],
    [
      "an ingress source range that admits everyone",
      { ingressSourceRanges: ["10.0.0.0/8", "0.0.0.0/0"] },
      "cluster-orchestrator:workloads.ingressSourceRanges.1",
      "must not admit every address",
    ],
    [
      "a component without what it needs",
      { components: { opensearch: { enabled: false }, "search-dashboards": { enabled: true } } },
      "cluster-orchestrator:workloads.components.opensearch.enabled",
      "search-dashboards needs opensearch",
    ],
  ])("%s is a config error naming the key and the file", (_, workloads, key, message) => {
    edit("legal-ai-dev", (c) => {
      c["cluster-orchestrator:workloads"] = workloads;
    });
    let error: unknown;
    try {
      loadStack("legal-ai-dev", { rootDir: dir, profiles });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.objectContaining({ key, message: expect.stringContaining(message) }),
    ]);
    expect((error as ConfigError).problems[0]!.file).toMatch(/Pulumi\.legal-ai-dev\.yaml/);
  });
});

test("the schema check is real: a malformed NetworkPolicy is rejected", () => {
  const bad = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "x" },
    spec: { podSelector: {}, policyTypes: ["Sideways"] },
  };
  expect(() => new NetworkPolicy(bad as never).validate()).toThrow(/policyTypes/);
});

describe("Spark's package downloads", () => {
  const dir = copyProjectConfig();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Issue 9 #5: with the default (empty) allowlist the ETL job's Maven downloads had no way out.
  test("workloads.packageRepository opens HTTPS to its CIDRs from etl only, and points Spark at it", async () => {
    const file = path.join(dir, "stacks", "Pulumi.accounting-analytics-dev.yaml");
    const doc = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    doc.config["cluster-orchestrator:workloads"] = {
      packageRepository: { url: "https://maven.lab.example.net/releases", cidrs: ["10.10.0.40/32"] },
    };
    fs.writeFileSync(file, stringify(doc));
    const run = await runInMocks("accounting-analytics-dev", dir);
    const opened = kubeResources(run)
      .filter((r) => r.type.endsWith(":NetworkPolicy"))
      .map((r) => kubeObject(r))
      .filter((p) => get(p, "metadata.name") === "allow-package-repository");
    expect(opened.map((p) => get(p, "metadata.namespace"))).toEqual(["etl"]);
    expect(get(opened[0], "spec.egress")).toEqual([
      { to: [{ ipBlock: { cidr: "10.10.0.40/32" } }], ports: [{ protocol: "TCP", port: 443 }] },
    ]);
    const app = run.resources.find((r) => r.type.endsWith(":ScheduledSparkApplication"))!;
    expect(get(kubeObject(app), "spec.template.sparkConf")).toMatchObject({
      "spark.jars.repositories": "https://maven.lab.example.net/releases",
    });
  });

  test("without it, the program warns that the ETL job cannot download its packages", async () => {
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
      await runInMocks("accounting-analytics-dev");
      expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(
        expect.stringContaining("etl-jobs downloads its Iceberg packages"),
      );
    } finally {
      warn.mockRestore();
    }
  });
});

describe("egress warnings", () => {
  const dir = copyProjectConfig();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("an egress allowlist holding 0.0.0.0/0 is warned about; a narrow one is not", async () => {
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
      const set = (list: string[]) => {
        const file = path.join(dir, "stacks", "Pulumi.legal-ai-dev.yaml");
        const doc = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
        doc.config["cluster-orchestrator:workloads"] = { egressAllowlist: list };
        fs.writeFileSync(file, stringify(doc));
      };
      set(["10.10.0.0/24"]);
      await runInMocks("legal-ai-dev", dir);
      expect(warn.mock.calls.map((c) => String(c[0]))).not.toContainEqual(
        expect.stringContaining("egressAllowlist holds"),
      );
      set(["10.10.0.0/24", "0.0.0.0/0"]);
      await runInMocks("legal-ai-dev", dir);
      expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(
        expect.stringContaining("egressAllowlist holds 0.0.0.0/0"),
      );
    } finally {
      warn.mockRestore();
    }
  });
});

test("Longhorn's replica count: the environment's target, never more than the data-disk nodes, and stable as nodes are added", () => {
  fc.assert(
    fc.property(
      fc.constantFrom("dev" as const, "prod" as const),
      fc.nat(20),
      fc.nat(5),
      (size, nodes, more) => {
        const n = replicaCount(size, nodes);
        expect(n).toBeLessThanOrEqual(nodes);
        expect(n).toBeLessThanOrEqual(size === "dev" ? 2 : 3);
        if (nodes >= (size === "dev" ? 2 : 3)) expect(replicaCount(size, nodes + more)).toBe(n);
      },
    ),
  );
});
