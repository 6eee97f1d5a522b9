/**
 * managementAccessFrom (components/management/access.ts): what a use-case stack accepts from its
 * management stack's outputs, one bad value at a time, each named in its problem; and what it
 * hands on when everything is right. StackReference.getOutputDetails gives `value` for a plain
 * output and `secretValue` for a secret one (pulumi sdk/nodejs/stackReference.ts, StackReferenceOutputDetails).
 */
import * as pulumi from "@pulumi/pulumi";
import { managementAccessFrom, type OutputDetail } from "../components/management/access";
import { resolveOutput } from "./helpers/program";

type Details = Parameters<typeof managementAccessFrom>[1];

const CHECKSUM = "0123456789abcdef".repeat(4);
const good = (): Details => ({
  url: { value: "https://rancher.lab.example.net" },
  caCert: { value: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" },
  caChecksum: { value: CHECKSUM },
  token: { secretValue: "token-x:y" },
});

const problems = (change: Partial<Details>): string[] => {
  const result = managementAccessFrom("rancher-prod", { ...good(), ...change });
  return "problems" in result ? result.problems : [];
};

const missing = (output: string) =>
  `output '${output}' is missing (has 'rancher-prod' been brought up with \`pulumi up\`?)`;

describe("accepted", () => {
  test("complete outputs: URL, CA, checksum and a secret token holding the value", async () => {
    const result = managementAccessFrom("rancher-prod", good());
    if (!("access" in result)) throw new Error(result.problems.join("; "));
    const { token, ...rest } = result.access;
    expect(rest).toEqual({
      stack: "rancher-prod",
      url: "https://rancher.lab.example.net",
      caCert: good().caCert!.value,
      caChecksum: CHECKSUM,
    });
    expect(await pulumi.isSecret(token)).toBe(true);
    expect(await resolveOutput(token)).toBe("token-x:y");
  });

  test("a URL with one trailing slash loses it (the provider appends its own paths)", () => {
    const result = managementAccessFrom("rancher-prod", {
      ...good(),
      url: { value: "https://r.example:8443/" },
    });
    expect("access" in result && result.access.url).toBe("https://r.example:8443");
  });

  test("values that arrive as secrets are read like plain ones (URL, CA, checksum)", () => {
    const secret = (d: OutputDetail | undefined): OutputDetail => ({ secretValue: d?.value });
    const g = good();
    const result = managementAccessFrom("rancher-prod", {
      ...g,
      url: secret(g.url),
      caCert: secret(g.caCert),
      caChecksum: secret(g.caChecksum),
    });
    expect("access" in result && [result.access.url, result.access.caCert, result.access.caChecksum]).toEqual(
      [g.url!.value, g.caCert!.value, CHECKSUM],
    );
  });

  test.each<[string, Partial<Details>]>([
    ["no CA outputs at all (a certificate from a public CA)", { caCert: undefined, caChecksum: undefined }],
    ["empty CA outputs", { caCert: { value: "" }, caChecksum: { value: "" } }],
  ])("%s: empty CA and checksum, no problem", (_case, change) => {
    const result = managementAccessFrom("rancher-prod", { ...good(), ...change });
    expect("access" in result && [result.access.caCert, result.access.caChecksum]).toEqual(["", ""]);
  });
});

describe("refused, one bad output at a time", () => {
  test.each<[string, Partial<Details>, string[]]>([
    ["no URL", { url: undefined }, [missing("rancherUrl")]],
    ["an empty URL", { url: { value: "" } }, [missing("rancherUrl")]],
    ["a URL that is no string", { url: { value: 443 } }, [missing("rancherUrl")]],
    [
      "no token (with a URL: its secrets provider is another)",
      { token: undefined },
      [
        missing("rancherToken"),
        "'rancher-prod' has a URL but no readable token: its secret outputs are decrypted with its own secrets provider, so this stack needs the same passphrase/secrets provider and backend (docs/rancher.md)",
      ],
    ],
    ["an empty secret token", { token: { secretValue: "" } }, [missing("rancherToken")]],
    [
      "a plain token",
      { token: { value: "token-x:y" } },
      ["output 'rancherToken' is not a secret; refusing to use it"],
    ],
    ["a CA that is no string", { caCert: { value: 42 } }, [missing("rancherCaCert")]],
    ["a checksum that is no string", { caChecksum: { secretValue: true } }, [missing("rancherCaChecksum")]],
  ])("%s", (_case, change, expected) => {
    expect(problems(change)).toEqual(expected);
  });

  test("no URL and no token: both missing, and no word of a secrets provider", () => {
    expect(problems({ url: undefined, token: undefined })).toEqual([
      missing("rancherUrl"),
      missing("rancherToken"),
    ]);
  });

  test.each([
    ["https://rancher.lab.example.net", true],
    ["https://10.0.0.5:8443", true],
    ["https://rancher/", true],
    ["http://rancher.lab.example.net", false],
    ["https://", false],
    ["https:///", false],
    ["https://rancher/v3", false],
    ["https://rancher//", false],
    ["https://ran cher", false],
    [" https://rancher", false],
    ["https://rancher ", false],
    ["ftp://x https://rancher", false],
  ])("URL %j accepted: %s", (url, accepted) => {
    expect(problems({ url: { value: url } })).toEqual(
      accepted ? [] : ["output 'rancherUrl' is not an https URL"],
    );
  });

  test.each([
    [CHECKSUM, true],
    ["f".repeat(64), true],
    ["f".repeat(63), false],
    ["f".repeat(65), false],
    ["F".repeat(64), false],
    ["g".repeat(64), false],
    [`x${CHECKSUM}`, false],
    [`${CHECKSUM}\n`, false],
  ])("checksum %j accepted: %s", (checksum, accepted) => {
    expect(problems({ caChecksum: { value: checksum } })).toEqual(
      accepted ? [] : ["output 'rancherCaChecksum' is not a sha256 hex digest"],
    );
  });

  test("several bad outputs: every problem at once, in a fixed order", () => {
    expect(
      problems({
        url: { value: "http://rancher" },
        token: { value: "t" },
        caChecksum: { value: "xyz" },
        caCert: { value: 1 },
      }),
    ).toEqual([
      missing("rancherCaCert"),
      "output 'rancherUrl' is not an https URL",
      "output 'rancherToken' is not a secret; refusing to use it",
      "output 'rancherCaChecksum' is not a sha256 hex digest",
    ]);
  });
});
