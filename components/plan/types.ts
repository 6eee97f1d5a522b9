/**
 * The plain data the pure planners produce and the components and renderers consume.
 * Nothing here knows about Pulumi: every value is decided before any resource exists.
 */

export type Role = "server" | "agent";
export type Addressing = "static" | "dhcp";

/** One VM of the cluster, fully decided. */
export interface NodePlan {
  /** Stable key `<pool>-<index>`: resource names derive from it, never from array position. */
  key: string;
  hostname: string;
  fqdn: string;
  pool: string;
  /** 1-based position inside its pool. */
  index: number;
  role: Role;
  /** The designated first server: it initialises the cluster when nothing answers yet. */
  bootstrap: boolean;
  /** Static IPv4 address, or null for a DHCP (ephemeral) node. */
  ip: string | null;
  /** Locally administered unicast MAC, lower case, colon separated. */
  mac: string;
  cpus: number;
  memoryMiB: number;
  diskGiB: number;
  dataDiskGiB: number | null;
  labels: Record<string, string>;
  taints: string[];
  affinityHost: string | null;
}

/** A named address range inside the cluster subnet (inclusive). */
export interface AddressBlock {
  name: string;
  first: string;
  last: string;
  size: number;
}

export interface NetworkPlan {
  vlan: number;
  cidr: string;
  prefixLength: number;
  netmask: string;
  gateway: string;
  vip: string;
  /** What every joiner and kubectl talks to: the VIP with several servers, else the bootstrap server. */
  registrationAddress: string;
  resolvers: string[];
  /** Cluster-scoped DNS zone: `<usecase>.<env>.<domain>`. */
  zone: string;
  apiFqdn: string;
  mtu: number;
  blocks: AddressBlock[];
  dhcpRange: { first: string; last: string } | null;
}

export interface DnsRecord {
  name: string;
  type: "A";
  value: string;
}

export interface ClusterPlan {
  stack: string;
  environment: string;
  useCase: string;
  cluster: { number: number; name: string };
  network: NetworkPlan;
  nodes: NodePlan[];
  dnsRecords: DnsRecord[];
  /** BIND zone-file fragment for the cluster zone. */
  zoneFile: string;
}
