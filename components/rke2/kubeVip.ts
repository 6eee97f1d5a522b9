/**
 * kube-vip as a static pod on every server: it holds the API VIP in ARP mode on the node's
 * interface, with leader election among the servers. Written by cloud-init into RKE2's
 * pod-manifests directory before RKE2 starts, so the VIP exists from the first boot.
 */
import { stringify } from "yaml";
import { NODE_INTERFACE } from "../../cloud-init/networkConfig";

export const KUBE_VIP_MANIFEST_PATH = "/var/lib/rancher/rke2/agent/pod-manifests/kube-vip.yaml";

export function kubeVipManifest(vip: string, image: string): string {
  const env: Record<string, string> = {
    vip_arp: "true",
    port: "6443",
    vip_interface: NODE_INTERFACE,
    vip_cidr: "32",
    cp_enable: "true",
    cp_namespace: "kube-system",
    vip_leaderelection: "true",
    vip_leasename: "plndr-cp-lock",
    vip_leaseduration: "5",
    vip_renewdeadline: "3",
    vip_retryperiod: "1",
    svc_enable: "false",
    address: vip,
  };
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "kube-vip", namespace: "kube-system", labels: { app: "kube-vip" } },
    spec: {
      hostNetwork: true,
      containers: [
        {
          name: "kube-vip",
          image,
          imagePullPolicy: "IfNotPresent",
          args: ["manager"],
          env: Object.entries(env).map(([name, value]) => ({ name, value })),
          securityContext: { capabilities: { add: ["NET_ADMIN", "NET_RAW"], drop: ["ALL"] } },
          volumeMounts: [{ name: "kubeconfig", mountPath: "/etc/kubernetes/admin.conf", readOnly: true }],
        },
      ],
      // "File": the pod waits until RKE2 has written its admin kubeconfig.
      volumes: [{ name: "kubeconfig", hostPath: { path: "/etc/rancher/rke2/rke2.yaml", type: "File" } }],
    },
  };
  return stringify(pod, { version: "1.1", lineWidth: 0 });
}
