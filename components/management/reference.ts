/**
 * A use-case stack's way to its Rancher: the management stack's outputs, read through a
 * StackReference, configure an explicit `rancher2.Provider` (docs/rancher.md). Without
 * `rancher.managementStack`, the rancher2 provider's own RANCHER_URL / RANCHER_TOKEN_KEY serve.
 *
 * The outputs are awaited before any other resource is registered: a management stack that is not
 * up yet (no outputs) ends the program with one clear message, and nothing is created.
 */
import * as pulumi from "@pulumi/pulumi";
import * as rancher2 from "@pulumi/rancher2";
import { MANAGEMENT_OUTPUTS, managementAccessFrom, type ManagementAccess, type OutputDetail } from "./access";

export { MANAGEMENT_OUTPUTS, managementAccessFrom, type ManagementAccess, type OutputDetail };

/** Reads the management stack's outputs; a pulumi.RunError naming the stack when any is missing. */
export async function readManagementAccess(name: string, stack: string): Promise<ManagementAccess> {
  const ref = new pulumi.StackReference(`${name}-management`, { name: stack });
  const keys = Object.keys(MANAGEMENT_OUTPUTS) as (keyof typeof MANAGEMENT_OUTPUTS)[];
  const read = await Promise.all(keys.map((k) => ref.getOutputDetails(MANAGEMENT_OUTPUTS[k])));
  const details = Object.fromEntries(keys.map((k, i) => [k, read[i]])) as Record<
    keyof typeof MANAGEMENT_OUTPUTS,
    OutputDetail | undefined
  >;
  const result = managementAccessFrom(stack, details);
  if ("problems" in result) {
    throw new pulumi.RunError(
      `rancher.managementStack '${stack}': ${result.problems.join("; ")}. Nothing was created; bring the management stack up first (docs/rancher.md).`,
    );
  }
  return result.access;
}

/** The explicit provider every rancher2 resource of the stack uses. */
export function managementProvider(name: string, access: ManagementAccess): rancher2.Provider {
  return new rancher2.Provider(`${name}-rancher2`, {
    apiUrl: access.url,
    tokenKey: access.token,
    ...(access.caCert !== "" ? { caCerts: access.caCert } : {}),
  });
}
