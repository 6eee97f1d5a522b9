/**
 * The management cluster's charts, pinned. Sources and the compatibility reasoning are in
 * docs/rancher.md ("Chart versions"); both were read at these tags:
 * - rancher: rancher/rancher chart/Chart.yaml at v2.13.8 declares `kubeVersion: < 1.35.0-0`, which
 *   admits the project's RKE2 v1.34 (Pulumi.*.yaml `rke2.version`). A test keeps rke2.version below it.
 * - cert-manager: cert-manager/cert-manager deploy/charts/cert-manager/Chart.template.yaml at v1.19.6
 *   declares `kubeVersion: ">= 1.22.0-0"`; `crds.enabled` installs its CRDs (values.yaml).
 */
export interface PinnedChart {
  chart: string;
  version: string;
  repo: string;
  /** The chart's own Kubernetes constraint, upper bound exclusive (minor), when it has one. */
  kubeMinorBelow?: [number, number];
}

export const MANAGEMENT_CHARTS = {
  certManager: {
    chart: "cert-manager",
    version: "v1.19.6",
    repo: "https://charts.jetstack.io",
  },
  rancher: {
    chart: "rancher",
    version: "2.13.8",
    repo: "https://releases.rancher.com/server-charts/stable",
    kubeMinorBelow: [1, 35],
  },
} as const satisfies Record<string, PinnedChart>;

/** A problem when the RKE2 version is outside a chart's Kubernetes constraint, else null. */
export function chartKubeProblem(chart: PinnedChart, rke2Version: string): string | null {
  const m = /^v(\d+)\.(\d+)\./.exec(rke2Version);
  if (!m || !chart.kubeMinorBelow) return null;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const [bMajor, bMinor] = chart.kubeMinorBelow;
  if (major < bMajor || (major === bMajor && minor < bMinor)) return null;
  return `RKE2 ${rke2Version} is outside the ${chart.chart} ${chart.version} chart's kubeVersion (< ${bMajor}.${bMinor}.0); pin a newer chart in components/management/charts.ts (docs/rancher.md)`;
}
