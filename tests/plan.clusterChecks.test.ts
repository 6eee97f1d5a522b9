/**
 * The cluster-wide settings the planner checks (components/plan/clusterChecks.ts): https node
 * downloads unless opted out, pod and service ranges apart from each other and from the node
 * network (the supernet and a pinned CIDR), one Rancher TLS choice. Each problem alone, at its key.
 */
import { checkClusterSettings } from "../components/plan/clusterChecks";
import type { Problem } from "../components/plan/problems";
import { baseSpec, type RawInput } from "./helpers/fixtures";

function problems(modify: (i: RawInput) => void): Problem[] {
  const found: Problem[] = [];
  checkClusterSettings(baseSpec(modify), found);
  return found;
}

const plainHttp = (value: string) =>
  `${value} is plain http: nodes would install what anyone on the path sends; use https, or set rke2.allowInsecureHttp: true for a lab mirror`;

test("the base spec has none of these problems", () => {
  expect(problems(() => undefined)).toEqual([]);
});

describe("node downloads", () => {
  test.each(["installUrl", "artifactUrl", "registryMirror"])(
    "%s over plain http is refused at its key",
    (key) => {
      expect(problems((i) => (i.rke2[key] = "http://mirror.lab:8080/rke2"))).toEqual([
        { path: ["rke2", key], message: plainHttp("http://mirror.lab:8080/rke2") },
      ]);
    },
  );

  test("https is fine; allowInsecureHttp lets a lab mirror use http", () => {
    expect(problems((i) => (i.rke2.artifactUrl = "https://mirror.lab/rke2"))).toEqual([]);
    expect(
      problems((i) => {
        i.rke2.installUrl = "http://mirror.lab/install.sh";
        i.rke2.registryMirror = "http://mirror.lab:5000";
        i.rke2.allowInsecureHttp = true;
      }),
    ).toEqual([]);
  });

  test("every http download is reported at once", () => {
    const found = problems((i) => {
      i.rke2.installUrl = "http://a.lab/i.sh";
      i.rke2.artifactUrl = "http://a.lab/art";
      i.rke2.registryMirror = "http://a.lab:5000";
    });
    expect(found.map((p) => p.path.join("."))).toEqual([
      "rke2.installUrl",
      "rke2.artifactUrl",
      "rke2.registryMirror",
    ]);
  });
});

describe("pod and service ranges", () => {
  test("services overlapping pods are refused at serviceCidr", () => {
    expect(problems((i) => (i.rke2.serviceCidr = "100.64.128.0/17"))).toEqual([
      { path: ["rke2", "serviceCidr"], message: "100.64.128.0/17 overlaps rke2.clusterCidr 100.64.0.0/16" },
    ]);
  });

  test("ranges that touch without overlapping are fine", () => {
    expect(
      problems((i) => ((i.rke2.clusterCidr = "10.9.0.0/16"), (i.rke2.serviceCidr = "10.11.0.0/16"))),
    ).toEqual([]);
  });

  test.each(["clusterCidr", "serviceCidr"])(
    "%s inside the supernet is refused, naming the supernet",
    (key) => {
      expect(problems((i) => (i.rke2[key] = "10.10.128.0/20"))).toEqual([
        { path: ["rke2", key], message: "10.10.128.0/20 overlaps the node network 10.10.0.0/16" },
      ]);
    },
  );

  test("a range containing the supernet is refused too", () => {
    expect(problems((i) => (i.rke2.clusterCidr = "10.0.0.0/8"))).toEqual([
      { path: ["rke2", "clusterCidr"], message: "10.0.0.0/8 overlaps the node network 10.10.0.0/16" },
    ]);
  });

  test("a pinned cluster CIDR outside the supernet counts as node network", () => {
    expect(
      problems((i) => {
        i.cluster.cidr = "192.168.50.0/24";
        i.rke2.serviceCidr = "192.168.0.0/16";
      }),
    ).toEqual([
      { path: ["rke2", "serviceCidr"], message: "192.168.0.0/16 overlaps the node network 192.168.50.0/24" },
    ]);
  });
});

describe("Rancher TLS", () => {
  const sum = "a".repeat(64);

  test("caChecksum and insecure together are refused; either alone is fine", () => {
    expect(problems((i) => (i.rancher = { caChecksum: sum, insecure: true }))).toEqual([
      {
        path: ["rancher", "insecure"],
        message: "set either rancher.caChecksum or rancher.insecure, not both",
      },
    ]);
    expect(problems((i) => (i.rancher = { caChecksum: sum }))).toEqual([]);
    expect(problems((i) => (i.rancher = { insecure: true }))).toEqual([]);
  });
});
