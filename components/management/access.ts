/**
 * What a use-case stack takes from its management stack's outputs (docs/rancher.md), decided
 * without Pulumi's engine: the outputs as read by reference.ts, checked, or every problem at once.
 */
import * as pulumi from "@pulumi/pulumi";

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
