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

/** The management stack's output names (components/program.ts exports them). */
export const MANAGEMENT_OUTPUTS = {
  url: "rancherUrl",
  caCert: "rancherCaCert",
  caChecksum: "rancherCaChecksum",
  token: "rancherToken",
} as const;

export interface OutputDetail {
  value?: unknown;
  secretValue?: unknown;
}

/** What a use-case stack needs from its management stack, checked. */
export interface ManagementAccess {
  stack: string;
  url: string;
  /** PEM of Rancher's CA, empty for a certificate from a public CA. */
  caCert: string;
  caChecksum: string;
  token: pulumi.Output<string>;
}

/** Pure: the outputs as read, or every problem at once (a stack never brought up has none). */
export function managementAccessFrom(
  stack: string,
  details: Record<keyof typeof MANAGEMENT_OUTPUTS, OutputDetail | undefined>,
): { access: ManagementAccess } | { problems: string[] } {
  const problems: string[] = [];
  const plain = (key: keyof typeof MANAGEMENT_OUTPUTS, required: boolean): string => {
    const d = details[key];
    const v = d?.value ?? d?.secretValue;
    if (typeof v === "string" && (v !== "" || !required)) return v;
    if (required || v !== undefined)
      problems.push(
        `output '${MANAGEMENT_OUTPUTS[key]}' is missing (has '${stack}' been brought up with \`pulumi up\`?)`,
      );
    return "";
  };
  const url = plain("url", true);
  const tokenMissing = details.token?.value === undefined && details.token?.secretValue === undefined;
  const token = plain("token", true);
  // The URL is there but the (secret) token is not: the engine elides a referenced stack's secret
  // outputs this stack cannot decrypt (pulumi/pulumi#19533, merged 2025-05, before our 3.248.0):
  // another passphrase or secrets provider, not a stack that was never brought up.
  if (url !== "" && tokenMissing)
    problems.push(
      `'${stack}' has a URL but no readable token: its secret outputs are decrypted with its own secrets provider, so this stack needs the same passphrase/secrets provider and backend (docs/rancher.md)`,
    );
  const caCert = plain("caCert", false);
  const caChecksum = plain("caChecksum", false);
  if (url !== "" && !/^https:\/\/[^\s/]+\/?$/.test(url))
    problems.push(`output 'rancherUrl' is not an https URL`);
  if (details.token?.value !== undefined)
    problems.push(`output 'rancherToken' is not a secret; refusing to use it`);
  if (caChecksum !== "" && !/^[0-9a-f]{64}$/.test(caChecksum))
    problems.push(`output 'rancherCaChecksum' is not a sha256 hex digest`);
  if (problems.length > 0) return { problems };
  return { access: { stack, url: url.replace(/\/$/, ""), caCert, caChecksum, token: pulumi.secret(token) } };
}

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
