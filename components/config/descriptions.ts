/**
 * What each configuration key means, keyed by its path in the schema (`<name>` stands for a map's
 * entries). The schema (schema.ts) says what is valid; this says why the key exists. A new key may
 * carry its description in the schema itself (`.describe("…")`), which wins over this table.
 * reference.ts turns both into docs/configuration.md's key table and the stack files' JSON Schema;
 * tests/configReference.test.ts fails on a key without a description or a description without a key.
 */
export const DESCRIPTIONS: Record<string, string> = {
  environment: "environment layer to merge (`dev`, `prod`, …): `Pulumi.<environment>.yaml`",
  useCase: "the use-case profile, `stacks/<useCase>.ts` (`legal-ai`, `accounting-analytics`, `healthcare`)",
  cluster: "the cluster's identity and address plan",
  "cluster.number": "N: unique per environment; the VLAN and the subnet derive from it",
  "cluster.name": "XO network name prefix and the Rancher cluster name; default: the stack name",
  "cluster.description": "free text",
  "cluster.vlan": "pin the VLAN; default `network.vlanBase + N`",
  "cluster.cidr": "pin the subnet (/16–/28, aligned); default the N-th `/clusterPrefix` of the supernet",
  "cluster.gateway": "pin the gateway (must not fall in a block); default the subnet's first host",
  "cluster.hostnamePattern":
    "tokens `{cluster}`, `{pool}`, `{index}`, `{usecase}`, `{env}`; `{pool}` and `{index}` required",
  network: "the environment's addressing (usually in the environment layer)",
  "network.supernet": "the environment's address range, e.g. `10.10.0.0/16`",
  "network.clusterPrefix": "size of each cluster's subnet",
  "network.vlanBase": "the VLAN of cluster N is `vlanBase + N`",
  "network.domain": "clusters live in `<usecase>.<env>.<domain>`",
  "network.resolvers": "DNS servers given to the nodes",
  "network.mtu": "XO network and node MTU",
  "network.existingNetwork":
    "attach to this existing XO network (by name) instead of creating the VLAN network",
  "network.layout": "the fixed address blocks inside each subnet ([ip-plan.md](ip-plan.md))",
  "network.layout.reserved": "infrastructure addresses after the gateway",
  "network.layout.serverBlock": "addresses of the server block (the VIP first)",
  "network.layout.workerSlotSize": "addresses per static worker slot",
  "network.layout.workerSlots": "static worker slots; the DHCP range follows them",
  xo: "where the VMs go in Xen Orchestra (usually in the environment layer)",
  "xo.pool": "XO pool name",
  "xo.template": "the golden template's name, looked up inside the pool",
  "xo.sr": "storage repository name, looked up inside the pool",
  "xo.pifDevice": "PIF device carrying the VLANs, e.g. `eth1`",
  "xo.createTimeout": "VM create timeout",
  "xo.updateTimeout": "VM update timeout",
  "xo.deleteTimeout": "VM delete timeout",
  nodes: "what every node gets",
  "nodes.adminUser": "the only login user (SSH keys, sudo, no password)",
  "nodes.sshAuthorizedKeys":
    "at least one OpenSSH public key line, parsed for real (sshpk): a placeholder body, a body of another type, DSA or RSA under 2048 bits is refused",
  "nodes.packages": "extra Debian/Ubuntu packages",
  "nodes.timezone": "an IANA zone name (`Europe/Paris`)",
  "nodes.adminSudo":
    "the admin user's sudo: `all`, `none`, or a list of absolute command lines it may run ([nodes.md](nodes.md))",
  pools:
    "the node pools by name; default from the use-case profile (`dev` shape in dev, `prod` shape elsewhere)",
  "pools.<name>.role": "`server` (etcd and control plane) or `agent` (worker)",
  "pools.<name>.count": "nodes in the pool; a server pool needs an odd count",
  "pools.<name>.addressing": "`dhcp`: an ephemeral pool whose nodes take addresses from the DHCP range",
  "pools.<name>.slot":
    "the worker block (static) or MAC group (dhcp) the pool owns, fixed so pools never move",
  "pools.<name>.cpus": "vCPUs per node",
  "pools.<name>.memoryMiB": "memory per node (static: min = max)",
  "pools.<name>.diskGiB": "root disk per node",
  "pools.<name>.dataDiskGiB": "an extra data disk per node",
  "pools.<name>.hostnamePrefix": "the `{pool}` part of the host names; default the pool's name",
  "pools.<name>.labels": "Kubernetes node labels (Kubernetes' own syntax)",
  "pools.<name>.taints": "Kubernetes node taints, `key[=value]:Effect`",
  "pools.<name>.affinityHost": "pin the pool's VMs to this XO host ([capacity.md](capacity.md))",
  rke2: "the RKE2 install ([rke2.md](rke2.md))",
  "rke2.version": "installed on new nodes; existing clusters are upgraded through Rancher",
  "rke2.installUrl": "RKE2's install script",
  "rke2.artifactUrl": "mirror of the RKE2 release artifacts, for nodes without internet egress",
  "rke2.systemDefaultRegistry": "registry host[:port] that serves RKE2's own images",
  "rke2.registryMirror": "pull-through mirror for docker.io and the other public registries",
  "rke2.cni": "the CNI plugin",
  "rke2.clusterCidr": "pod network",
  "rke2.serviceCidr": "service network",
  "rke2.profile": "`cis`: RKE2's CIS profile and its OS prerequisites; default: the use case's hardening",
  "rke2.etcdSnapshotSchedule": "etcd snapshot cron schedule",
  "rke2.etcdSnapshotRetention": "etcd snapshots kept",
  "rke2.kubeVipImage": "kube-vip image for the API VIP (several servers)",
  "rke2.allowInsecureHttp": "lab opt-out: allow `http://` for installUrl, artifactUrl and registryMirror",
  "rke2.checksums": "sha256 digests the nodes verify before running what they download ([rke2.md](rke2.md))",
  "rke2.checksums.installer": "sha256 of the install script at `installUrl`",
  "rke2.checksums.releases": "per RKE2 version, the sha256 of its `sha256sum-amd64.txt`",
  rancher: "registration in Rancher ([rke2.md](rke2.md))",
  "rancher.mode":
    "`import`: rancher2.Cluster and its manifest; `custom`: rancher2.ClusterV2 and the node command; `none`",
  "rancher.caChecksum": "sha256 of Rancher's CA certificate (its /cacerts), for a self-signed Rancher",
  "rancher.insecure": "skip TLS verification when fetching the registration manifest (prefer `caChecksum`)",
  "rancher.syncTimeout": "how long `pulumi up` waits for the cluster to become active in Rancher",
  "rancher.labels": "labels of the Rancher cluster (Kubernetes' own syntax)",
  "rancher.managementStack":
    "the management stack whose outputs (URL, CA, token) configure this stack's Rancher provider ([rancher.md](rancher.md)); unset: `RANCHER_URL` / `RANCHER_TOKEN_KEY`",
  workloads:
    "`none` for a bare cluster, or the settings of the use case's workloads ([workloads.md](workloads.md))",
  "workloads.components": "per component of the use case: on/off and value overrides",
  "workloads.components.<name>.enabled": "install the component; default as the profile says",
  "workloads.components.<name>.values":
    "Helm values merged over the component's defaults (objects merge, lists and scalars replace)",
  "workloads.egressAllowlist": "CIDRs workload pods may reach outside the cluster; everything else is denied",
  "workloads.ingressController": "the pods allowed to reach workloads from outside",
  "workloads.ingressController.namespace": "the ingress controller's namespace",
  "workloads.ingressController.podSelectors":
    "its pods' label sets; default RKE2's ingress-nginx and Traefik, so a switch keeps working",
  "workloads.storageClass": "StorageClass for persistent volumes; default the cluster's default",
  "workloads.tlsSecretName":
    "TLS secret (in the workload namespace) for ingresses; TLS-only ingress is enforced",
  "workloads.ingressSourceRanges":
    "client CIDRs the published APIs (FHIR) admit; default: the environment's supernet; `/0` refused",
  "workloads.packageRepository": "the Maven repository the ETL job's Spark downloads its packages from",
  "workloads.packageRepository.url": "its https URL (`spark.jars.repositories`)",
  "workloads.packageRepository.cidrs": "the CIDRs it answers on: `etl` may reach them on TCP 443 only",
  critical:
    "`fleet destroy` refuses the stack and `fleet up` wants its name typed; default as `protect` ([operations.md](operations.md))",
  protect: "protect the cluster network from deletion; default `true` in `prod`",
  capacity: "the capacity check ([capacity.md](capacity.md))",
  "capacity.model":
    "the capacity model file every stack on the XO pool is checked against, e.g. `xo-pools.yaml`; unset: no check",
  kubeconfig: "where the cluster's kubeconfig (and so its workloads' provider) comes from",
  "kubeconfig.source":
    "`rancher` (ClusterSync) or `node` (read from the bootstrap server over SSH); default `node` with `rancher.mode: none`",
  management: "the management stack's Rancher server (use case `rancher` only; [rancher.md](rancher.md))",
  "management.hostname": "Rancher's host name; default `rancher.<network.domain>`",
  "management.tls":
    "`rancher`: a Rancher-generated CA (cert-manager); `secret`: your certificate in `cattle-system/tls-rancher-ingress`",
  "management.privateCaCert":
    "with `tls: secret` and a private CA: its PEM, which Rancher and the other stacks trust",
};
