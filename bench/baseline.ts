/**
 * The raw-provider baseline: the floor any Pulumi program registering these resources pays.
 * It replays a recorded run of our program with the providers' own classes (xenorchestra.Vm,
 * rancher2.Cluster, …): the same resources per type, names, input values (secrets still secret),
 * resource options and dependency edges (as dependsOn), but no components, no configuration,
 * no planning, no cloud-init rendering and no Output plumbing between resources. The ratio
 * program / baseline is therefore what our code costs on top of Pulumi itself.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as rancher2 from "@pulumi/rancher2";
import * as random from "@pulumi/random";
import * as xo from "@vates/pulumi-xenorchestra";
import { installRecordingMocks, isMockSecret, XoMocks, type RecordedResource } from "../render/mocks";
import { PROJECT, type Recording } from "./evaluate";
import { isComponent, waitsFor } from "./graph";

type ResourceClass = new (
  name: string,
  args: never,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/**
 * The SDK class per type token, as the program constructs them. The SDKs load each class lazily on
 * first access: reading them here, during module load, keeps that out of the timed evaluation (the
 * program's run reads them too, see worker.ts). Another Kubernetes type is replayed as
 * k8s.apiextensions.CustomResource (its inputs carry apiVersion and kind); any other type as a
 * generic CustomResource with the same token.
 */
export function sdkClasses(): Record<string, ResourceClass> {
  return {
    "xenorchestra:index/vm:Vm": xo.Vm,
    "xenorchestra:index/xoaNetwork:XoaNetwork": xo.XoaNetwork,
    "random:index/randomPassword:RandomPassword": random.RandomPassword,
    "random:index/randomString:RandomString": random.RandomString,
    "rancher2:index/cluster:Cluster": rancher2.Cluster,
    "rancher2:index/clusterV2:ClusterV2": rancher2.ClusterV2,
    "rancher2:index/clusterSync:ClusterSync": rancher2.ClusterSync,
    "pulumi:providers:kubernetes": k8s.Provider,
    "kubernetes:core/v1:Namespace": k8s.core.v1.Namespace,
    "kubernetes:core/v1:Secret": k8s.core.v1.Secret,
    "kubernetes:core/v1:ConfigMap": k8s.core.v1.ConfigMap,
    "kubernetes:core/v1:ResourceQuota": k8s.core.v1.ResourceQuota,
    "kubernetes:core/v1:LimitRange": k8s.core.v1.LimitRange,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": k8s.networking.v1.NetworkPolicy,
    "kubernetes:helm.sh/v3:Release": k8s.helm.v3.Release,
    "kubernetes:apiextensions:CustomResource": k8s.apiextensions.CustomResource,
  };
}

/** The invokes the program makes, loaded lazily like the classes. */
export function sdkFunctions(): unknown[] {
  return [
    xo.getXoaPoolOutput,
    xo.getXoaTemplateOutput,
    xo.getXoaStorageRepositoryOutput,
    xo.getXoaHostOutput,
    xo.getXoaNetworkOutput,
  ];
}

/** Registers the recording's provider resources under fresh recording mocks and waits for all. */
export async function replay(recording: Recording, classes: Record<string, ResourceClass>): Promise<number> {
  const mocks = new XoMocks(recording.inventory);
  installRecordingMocks(mocks, PROJECT, recording.stack);
  const { providers } = recording;
  const custom = topologicalOrder(
    recording.resources.filter((r) => !isComponent(r.type)),
    providers,
  );
  const created = new Map<string, pulumi.CustomResource>();
  const createdProviders = new Map<string, pulumi.ProviderResource>();
  try {
    for (const r of custom) {
      const provider = providers[r.urn];
      const opts: pulumi.CustomResourceOptions = {
        provider: provider !== undefined ? createdProviders.get(provider) : undefined,
        protect: r.options.protect,
        deleteBeforeReplace: r.options.deleteBeforeReplace,
        ignoreChanges: r.options.ignoreChanges,
        replaceOnChanges: r.options.replaceOnChanges,
        additionalSecretOutputs: r.options.additionalSecretOutputs,
        customTimeouts: r.options.customTimeouts ?? undefined,
        dependsOn: r.dependencies.flatMap((urn) => created.get(urn) ?? []),
      };
      const inputs = revive(r.inputs, r.type.startsWith("pulumi:providers:")) as pulumi.Inputs;
      const Class =
        classes[r.type] ??
        (r.type.startsWith("kubernetes:") ? classes["kubernetes:apiextensions:CustomResource"] : undefined);
      // The recorded inputs are what the program passed to this very class.
      const resource = Class
        ? new Class(r.name, inputs as never, opts)
        : generic(r.type, r.name, inputs, opts);
      created.set(r.urn, resource);
      if (resource instanceof pulumi.ProviderResource) createdProviders.set(r.urn, resource);
    }
  } finally {
    await pulumi.runtime.disconnect();
  }
  return custom.length;
}

/** The SDK's resource classes are abstract only to make SDKs subclass them. */
class RawResource extends pulumi.CustomResource {}
class RawProvider extends pulumi.ProviderResource {}

function generic(
  type: string,
  name: string,
  inputs: pulumi.Inputs,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  const provider = /^pulumi:providers:(.+)$/.exec(type);
  return provider
    ? new RawProvider(provider[1]!, name, inputs, opts)
    : new RawResource(type, name, inputs, opts);
}

/**
 * Recorded inputs are plain JSON; a secret arrives in the mocks' wire form and leaves as a secret
 * again. Provider classes send their non-string settings JSON-encoded ("true"): `provider` gives
 * those back their values, so that the class encodes them once, as it did for the program.
 */
function revive(value: unknown, provider = false): unknown {
  if (isMockSecret(value)) return pulumi.secret(revive(value.value));
  if (Array.isArray(value)) return value.map((v) => revive(v));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  if (provider && (value === "true" || value === "false")) return value === "true";
  return value;
}

/**
 * Dependencies and providers before the resources that wait for them, so that every dependsOn and
 * provider names a resource already constructed.
 */
function topologicalOrder(
  resources: RecordedResource[],
  providers: Record<string, string>,
): RecordedResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const done = new Set<string>();
  const order: RecordedResource[] = [];
  const visit = (r: RecordedResource) => {
    if (done.has(r.urn)) return;
    done.add(r.urn);
    for (const dep of waitsFor(r, providers)) {
      const d = byUrn.get(dep);
      if (d) visit(d);
    }
    order.push(r);
  };
  resources.forEach(visit);
  return order;
}
