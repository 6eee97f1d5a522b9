/**
 * The ClusterCa component under Pulumi's mocks: which keys and certificates it asks the TLS
 * provider for, and that its material is a secret. The inputs are checked against what RKE2 needs
 * of a custom CA (docs.rke2.io, security/certificates, "Using Custom CA Certificates": CA
 * certificates able to sign, ten years like RKE2's own; service.key an RSA key for service
 * account tokens).
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterCa, CLUSTER_CAS, RKE2_TLS_DIR, type CaMaterial } from "../components/rke2/clusterCa";

interface Created {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const created: Created[] = [];

beforeAll(() => {
  void pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state =
          args.type === "tls:index/privateKey:PrivateKey"
            ? { ...args.inputs, privateKeyPem: `KEY(${args.name})` }
            : { ...args.inputs, certPem: `CERT(${args.name})` };
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "project",
    "stack",
    false,
  );
});

const resolve = (o: pulumi.Output<CaMaterial>) =>
  new Promise<{ value: CaMaterial; secret: boolean }>((ok) => {
    void pulumi.isSecret(o).then((secret) => o.apply((value) => ok({ value, secret })));
  });

test("one ECDSA P-256 key and a ten-year signing CA per RKE2 CA, plus an RSA service key; material secret", async () => {
  created.length = 0;
  const ca = new ClusterCa("c1-ca");
  const { value, secret } = await resolve(ca.material);
  expect(secret).toBe(true);

  const keys = created.filter((r) => r.type === "tls:index/privateKey:PrivateKey");
  const certs = created.filter((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert");
  expect(keys.map((k) => k.name).sort()).toEqual(
    [...CLUSTER_CAS.map((c) => `c1-ca-${c.id}-key`), "c1-ca-service-key"].sort(),
  );
  for (const c of CLUSTER_CAS) {
    expect(keys.find((k) => k.name === `c1-ca-${c.id}-key`)!.inputs).toEqual({
      algorithm: "ECDSA",
      ecdsaCurve: "P256",
    });
    const cert = certs.find((x) => x.name === `c1-ca-${c.id}`)!;
    expect(cert.inputs).toMatchObject({
      subject: { commonName: c.commonName },
      isCaCertificate: true,
      validityPeriodHours: 87600,
      earlyRenewalHours: 0,
    });
    // The provider marks private keys secret: the mock sees them wrapped with their value.
    const pem = cert.inputs.privateKeyPem as string | { value: string };
    expect(typeof pem === "string" ? pem : pem.value).toBe(`KEY(c1-ca-${c.id}-key)`);
    expect([...(cert.inputs.allowedUses as string[])].sort()).toEqual(
      ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"].sort(),
    );
  }
  expect(certs).toHaveLength(CLUSTER_CAS.length);
  expect(keys.find((k) => k.name === "c1-ca-service-key")!.inputs).toEqual({
    algorithm: "RSA",
    rsaBits: 2048,
  });

  // Each certificate sits next to its own key; service.key is the RSA key.
  const files = Object.fromEntries(value.files.map((f) => [f.path, f.content]));
  expect(files[`${RKE2_TLS_DIR}/client-ca.crt`]).toBe("CERT(c1-ca-client-ca)");
  expect(files[`${RKE2_TLS_DIR}/client-ca.key`]).toBe("KEY(c1-ca-client-ca-key)");
  expect(files[`${RKE2_TLS_DIR}/service.key`]).toBe("KEY(c1-ca-service-key)");
});
