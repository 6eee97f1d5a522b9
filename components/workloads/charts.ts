/**
 * Every Helm chart the program installs, pinned to an exact version. Sources and the reasons
 * for each choice are in docs/workloads.md; change a version here, in a pull request, and the
 * preview shows the release's new version.
 */

export interface ChartRef {
  repo: string;
  chart: string;
  version: string;
  /** Licence of the chart and of the software it installs. */
  licence: string;
}

export const CHARTS = {
  longhorn: {
    repo: "https://charts.longhorn.io",
    chart: "longhorn",
    version: "1.12.1",
    licence: "Apache-2.0",
  },
  opensearch: {
    repo: "https://opensearch-project.github.io/helm-charts/",
    chart: "opensearch",
    version: "3.6.0",
    licence: "Apache-2.0",
  },
  "opensearch-dashboards": {
    repo: "https://opensearch-project.github.io/helm-charts/",
    chart: "opensearch-dashboards",
    version: "3.6.0",
    licence: "Apache-2.0",
  },
  valkey: {
    repo: "https://valkey.io/valkey-helm/",
    chart: "valkey",
    version: "0.9.3",
    licence: "BSD-3-Clause",
  },
  "spark-operator": {
    repo: "https://kubeflow.github.io/spark-operator",
    chart: "spark-operator",
    version: "2.5.1",
    licence: "Apache-2.0",
  },
  nessie: {
    repo: "https://charts.projectnessie.org",
    chart: "nessie",
    version: "0.108.4",
    licence: "Apache-2.0",
  },
  seaweedfs: {
    repo: "https://seaweedfs.github.io/seaweedfs/helm",
    chart: "seaweedfs",
    version: "4.0.408",
    licence: "Apache-2.0",
  },
  "cloudnative-pg": {
    repo: "https://cloudnative-pg.github.io/charts",
    chart: "cloudnative-pg",
    version: "0.29.0",
    licence: "Apache-2.0",
  },
  "hapi-fhir-jpaserver": {
    repo: "https://hapifhir.github.io/hapi-fhir-jpaserver-starter/",
    chart: "hapi-fhir-jpaserver",
    version: "0.21.0",
    licence: "Apache-2.0",
  },
} as const satisfies Record<string, ChartRef>;

export type ChartId = keyof typeof CHARTS;
