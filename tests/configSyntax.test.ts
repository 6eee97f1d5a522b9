/**
 * The syntax checks behind the schema (components/config/kubeSyntax.ts, sshKey.ts), as
 * properties: what they accept can never carry a shell metacharacter, Kubernetes-shaped values
 * are accepted, and real SSH keys pass while their corruptions do not.
 */
import { generateKeyPairSync } from "crypto";
import fc from "fast-check";
import { runs } from "./helpers/properties";
import * as sshpk from "sshpk";
import { labelKeyProblem, labelValueProblem, taintProblem } from "../components/config/kubeSyntax";
import { sshKeyProblem } from "../components/config/sshKey";

const SHELL_META = /[\s$`;&|<>()'"\\*?!{}[\]#~]/;
const alnum = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".split(""));
const middle = fc.constantFrom(..."abcXYZ019-_.".split(""));
/** A Kubernetes name: alphanumeric at both ends, [-_.] allowed inside, at most 63 characters. */
const kubeName = fc
  .tuple(alnum, fc.array(middle, { maxLength: 61 }), alnum)
  .map(([a, m, b]) => `${a}${m.join("")}${b}`);
const dnsLabel = fc
  .tuple(
    fc.constantFrom(..."abc019".split("")),
    fc.array(fc.constantFrom(..."abz09-".split("")), { maxLength: 10 }),
  )
  .map(([a, m]) => `${a}${m.join("").replace(/-+$/, "")}`);
const prefix = fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map((labels) => labels.join("."));
const labelKey = fc
  .tuple(fc.option(prefix, { nil: undefined }), kubeName)
  .map(([p, n]) => (p ? `${p}/${n}` : n));

test("Kubernetes-shaped label keys, values and taints are accepted", () => {
  fc.assert(
    fc.property(
      labelKey,
      fc.option(kubeName, { nil: "" }),
      fc.constantFrom("NoSchedule", "PreferNoSchedule", "NoExecute"),
      (key, value, effect) => {
        expect(labelKeyProblem(key)).toBeNull();
        expect(labelValueProblem(value)).toBeNull();
        expect(taintProblem(value === "" ? `${key}:${effect}` : `${key}=${value}:${effect}`)).toBeNull();
      },
    ),
  );
});

test("nothing with a shell metacharacter passes as a label key, value or taint", () => {
  const anyText = fc.string({ unit: "binary", maxLength: 80 });
  fc.assert(
    fc.property(anyText, (text) => {
      for (const [accepted, checked] of [
        [labelKeyProblem(text) === null, text],
        [labelValueProblem(text) === null, text],
        [taintProblem(text) === null, text.replace(/:(NoSchedule|PreferNoSchedule|NoExecute)$/, "")],
      ] as const) {
        if (accepted) expect(checked).not.toMatch(SHELL_META);
      }
    }),
  );
  // The proven payloads, explicitly.
  expect(labelValueProblem("$(touch /pwned)")).toMatch(/label value/);
  expect(taintProblem("k=`id`:NoSchedule")).toMatch(/label value/);
  expect(labelKeyProblem("a;b")).toMatch(/label key/);
});

test("real ed25519, ECDSA and RSA-2048 keys pass; a placeholder, a short RSA and a corrupted body do not", () => {
  const ed = sshpk.generatePrivateKey("ed25519").toPublic().toString("ssh");
  const ec = sshpk.generatePrivateKey("ecdsa", { curve: "nistp256" }).toPublic().toString("ssh");
  const rsa = (bits: number) => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
    return sshpk.parseKey(publicKey.export({ type: "spki", format: "pem" }), "pem").toString("ssh");
  };
  for (const key of [ed, `${ed} ops@laptop`, ec, rsa(2048)])
    expect([key, sshKeyProblem(key)]).toEqual([key, null]);
  expect(sshKeyProblem(rsa(1024))).toBe(
    "RSA key of 1024 bits; at least 2048 are required (ed25519 preferred)",
  );
  expect(sshKeyProblem("ssh-ed25519 paste-your-key-here")).toMatch(/is not a ssh-ed25519 public key/);
  expect(sshKeyProblem("ssh-ed25519")).toMatch(/OpenSSH public key line/);
  expect(sshKeyProblem(`${ed}\nssh-ed25519 AAAA`)).toMatch(/one line/);
  const [type, body] = ed.split(" ");
  fc.assert(
    fc.property(fc.integer({ min: 20, max: body!.length - 2 }), (cut) => {
      expect(sshKeyProblem(`${type} ${body!.slice(0, cut)}`)).not.toBeNull();
    }),
    runs(30),
  );
});

describe("sshKeyProblem: what reaches authorized_keys", () => {
  const ed = sshpk.generatePrivateKey("ed25519").toPublic().toString("ssh");
  const [edType, edBody] = ed.split(" ") as [string, string];
  /** A security-key blob: the key type as an SSH string (uint32 length + bytes), then `rest`. */
  const skBody = (named: string, rest: Buffer = Buffer.from("key-data")) => {
    const name = Buffer.from(named, "latin1");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(name.length);
    return Buffer.concat([length, name, rest]).toString("base64");
  };
  const SK_ED = "sk-ssh-ed25519@openssh.com";
  const SK_EC = "sk-ecdsa-sha2-nistp256@openssh.com";

  test("surrounding spaces and several spaces between the fields are accepted", () => {
    expect(sshKeyProblem(`  ${ed}  `)).toBeNull();
    expect(sshKeyProblem(`${edType}   ${edBody}   ops@laptop  extra words`)).toBeNull();
  });

  test.each([
    ["NUL", "\0"],
    ["tab", "\t"],
    ["newline", "\n"],
    ["unit separator (0x1f)", "\x1f"],
    ["DEL (0x7f)", "\x7f"],
  ])("a %s anywhere is refused", (_, char) => {
    expect(sshKeyProblem(`${ed}${char}`)).toBe("must be one line without control characters");
    expect(sshKeyProblem(`${char}${ed}`)).toBe("must be one line without control characters");
  });

  test("a long body is abbreviated in the message, a short one shown whole", () => {
    expect(sshKeyProblem(`ssh-ed25519 ${"A".repeat(24)}`)).toBe(
      `'${"A".repeat(24)}' is not a ssh-ed25519 public key (paste the whole line of your .pub file)`,
    );
    expect(sshKeyProblem(`ssh-ed25519 ${"A".repeat(25)}`)).toBe(
      `'${"A".repeat(20)}…' is not a ssh-ed25519 public key (paste the whole line of your .pub file)`,
    );
  });

  test("a DSA key is refused", () => {
    const { publicKey } = generateKeyPairSync("dsa", { modulusLength: 1024, divisorLength: 160 });
    const dsa = sshpk.parseKey(publicKey.export({ type: "spki", format: "pem" }), "pem").toString("ssh");
    expect(sshKeyProblem(dsa)).toBe("DSA keys are refused by current OpenSSH servers; use ed25519");
  });

  test("security keys: the blob must name the line's own type and hold key data after it", () => {
    expect(sshKeyProblem(`${SK_ED} ${skBody(SK_ED)} ops@yubikey`)).toBeNull();
    expect(sshKeyProblem(`${SK_EC} ${skBody(SK_EC)}`)).toBeNull();
    // Padded base64 (one and two '='): the key data length decides the padding.
    for (const rest of [Buffer.from("k"), Buffer.from("kk"), Buffer.from("kkk")]) {
      expect(sshKeyProblem(`${SK_ED} ${skBody(SK_ED, rest)}`)).toBeNull();
    }
    const bad = [
      [SK_ED, skBody(SK_EC)],
      [SK_EC, skBody(SK_ED)],
      [SK_ED, skBody(SK_ED, Buffer.alloc(0))], // the type and nothing after it
      [SK_ED, skBody(SK_ED.slice(0, -1))],
      [SK_ED, skBody("")],
      [SK_ED, "AAAA"], // three bytes: not even a length
      [SK_ED, `${skBody(SK_ED)}!`],
      [SK_ED, `!${skBody(SK_ED)}`],
      [SK_ED, `${skBody(SK_ED, Buffer.from("k"))}=`], // three '='
      [SK_ED, "paste-your-key-here"],
    ];
    for (const [type, body] of bad) {
      expect([type, body, sshKeyProblem(`${type} ${body}`)]).toEqual([
        type,
        body,
        expect.stringMatching(new RegExp(`is not a ${type!.replace(/[.@]/g, "\\$&")} public key$`)),
      ]);
    }
    // A blob length field larger than the blob.
    const huge = Buffer.concat([Buffer.from([0, 0, 1, 0]), Buffer.from(SK_ED), Buffer.from("key")]);
    expect(sshKeyProblem(`${SK_ED} ${huge.toString("base64")}`)).toMatch(/is not a sk-ssh-ed25519/);
  });
});

describe("Kubernetes syntax at its boundaries", () => {
  test("both ends of each character range, at each position", () => {
    for (const name of ["A", "Z", "a", "z", "0", "9", "aA-Z_a.z09b", "Z-9", "0.a", "9_Z"]) {
      expect([name, labelKeyProblem(name), labelValueProblem(name)]).toEqual([name, null, null]);
    }
    for (const prefix of ["a", "z", "0", "9", "a-z09.b", "az.09", "0-9.a-z"]) {
      expect([prefix, labelKeyProblem(`${prefix}/k`)]).toEqual([prefix, null]);
    }
    for (const prefix of ["A.b", "a.B", "-a", "a-", "a..b", ".a", "a_b"]) {
      expect(labelKeyProblem(`${prefix}/k`)).toBe(
        `label key prefix '${prefix}' must be a lower-case DNS subdomain`,
      );
    }
    for (const name of ["-a", "a-", "_a", "a.", "a b", "a/b/c"]) expect(labelKeyProblem(name)).not.toBeNull();
  });

  test("lengths: a name or value of 63, a prefix of 253", () => {
    const name = (n: number) => `a${"b".repeat(n - 1)}`;
    expect([labelKeyProblem(name(63)), labelValueProblem(name(63))]).toEqual([null, null]);
    expect(labelKeyProblem(name(64))).toMatch(/^label key 'ab+' must be at most 63/);
    expect(labelValueProblem(name(64))).toMatch(/^label value 'ab+' must be empty or at most 63/);
    const prefix = (n: number) =>
      `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(n - 192)}`;
    expect(prefix(253)).toHaveLength(253);
    expect(labelKeyProblem(`${prefix(253)}/k`)).toBeNull();
    expect(labelKeyProblem(`${prefix(254)}/k`)).toMatch(
      /^label key prefix '.+' must be a lower-case DNS subdomain$/,
    );
    expect(labelValueProblem("")).toBeNull();
  });

  test("taints: the split at the last ':' and the first '='", () => {
    expect(taintProblem("k:NoSchedule")).toBeNull();
    expect(taintProblem("k=v=w:NoSchedule")).toBe(
      "label value 'v=w' must be empty or at most 63 letters, digits, '-', '_' or '.' (alphanumeric at both ends)",
    );
    expect(taintProblem("k=:NoExecute")).toBeNull();
    expect(taintProblem(":NoSchedule")).toMatch(/^label key '' must/);
    expect(taintProblem("=v:NoSchedule")).toMatch(/^label key '' must/);
    expect(taintProblem("a:b:NoSchedule")).toMatch(/^label key 'a:b' must/);
    expect(taintProblem("k=v:NoSchedule:")).toBe(
      "taint 'k=v:NoSchedule:' has effect ''; expected one of NoSchedule, PreferNoSchedule, NoExecute",
    );
    expect(taintProblem("k=v")).toBe("taint 'k=v' must be key[=value]:Effect");
    expect(labelKeyProblem("a/b/c")).toBe("label key 'a/b/c' has more than one '/'");
  });
});
