/**
 * A component's own certificates, generated in the program (@pulumi/tls; keys are secrets in
 * state) and stored in one Kubernetes Secret: a CA, a server certificate for the service names,
 * and an admin client certificate. Used by OpenSearch instead of the image's demo certificates.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { CertificateBundle } from "./types";

/** Ten years: rotation is a replacement of these resources (docs/workloads.md). */
const VALIDITY_HOURS = 24 * 365 * 10;

export function certificateBundle(
  prefix: string,
  bundle: CertificateBundle,
  namespace: string,
  parent: pulumi.Resource,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
  const own = { parent };
  const key = (name: string) =>
    new tls.PrivateKey(`${prefix}-${name}-key`, { algorithm: "RSA", rsaBits: 3072 }, own);
  const caKey = key("ca");
  const ca = new tls.SelfSignedCert(
    `${prefix}-ca`,
    {
      privateKeyPem: caKey.privateKeyPem,
      subject: { commonName: `${bundle.organization} CA`, organization: bundle.organization },
      isCaCertificate: true,
      validityPeriodHours: VALIDITY_HOURS,
      allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
    },
    own,
  );
  const signed = (name: string, commonName: string, dnsNames: string[], uses: string[]) => {
    const k = key(name);
    const request = new tls.CertRequest(
      `${prefix}-${name}-csr`,
      {
        privateKeyPem: k.privateKeyPem,
        subject: { commonName, organization: bundle.organization },
        dnsNames,
      },
      own,
    );
    const cert = new tls.LocallySignedCert(
      `${prefix}-${name}-cert`,
      {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: ca.certPem,
        validityPeriodHours: VALIDITY_HOURS,
        allowedUses: ["digital_signature", "key_encipherment", ...uses],
      },
      own,
    );
    // OpenSearch reads PKCS#8 keys only.
    return { cert: cert.certPem, key: k.privateKeyPemPkcs8 };
  };
  const node = signed("node", bundle.nodeCommonName, bundle.dnsNames, ["server_auth", "client_auth"]);
  const admin = signed("admin", bundle.adminCommonName, [], ["client_auth"]);
  const data = pulumi.secret(
    pulumi.all([ca.certPem, node.cert, node.key, admin.cert, admin.key]).apply(([c, nc, nk, ac, ak]) => ({
      "ca.crt": c ?? "",
      "node.crt": nc ?? "",
      "node.key": nk ?? "",
      "admin.crt": ac ?? "",
      "admin.key": ak ?? "",
    })),
  );
  return new k8s.core.v1.Secret(
    `${prefix}-${bundle.secret}`,
    { metadata: { name: bundle.secret, namespace }, type: "Opaque", stringData: data },
    opts,
  );
}
