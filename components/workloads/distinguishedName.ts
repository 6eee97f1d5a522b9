/**
 * The distinguished name OpenSearch sees for a certificate of the bundle (RFC 2253 order). Pure,
 * apart from certificates.ts (which creates resources) so that planning loads no Pulumi SDK.
 */
export function distinguishedName(commonName: string, organization: string): string {
  return `CN=${commonName},O=${organization}`;
}
