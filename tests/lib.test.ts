/**
 * components/lib: the IPv4 helpers against oracles written here, independently of them (octet
 * arithmetic, and brute force over every address of small ranges), and the plain-text table
 * against hand-computed layouts. fast-check prints the seed of a failing run; replay it with
 * `fc.assert(..., { seed, path })`.
 */
import fc from "fast-check";
import { runs } from "./helpers/properties";
import {
  contains,
  formatCidr,
  ipToNumber,
  isCidr,
  isIpv4,
  netmask,
  numberToIp,
  overlaps,
  parseCidr,
  within,
  type Cidr,
} from "../components/lib/ipv4";
import { renderTable, tableLines } from "../components/lib/table";

// ---------------------------------------------------------------------------------------------
// Oracles: what the project means by an address and a CIDR, written without the module.

/** A decimal octet 0–255 without a leading zero (ambiguous: octal for inet_aton, refused by Go). */
function octetOracle(text: string): boolean {
  if (text.length < 1 || text.length > 3) return false;
  if ([...text].some((c) => c < "0" || c > "9")) return false;
  if (text.length > 1 && text[0] === "0") return false;
  return Number(text) <= 255;
}
const ipv4Oracle = (text: string) => {
  const parts = text.split(".");
  return parts.length === 4 && parts.every(octetOracle);
};
/** `address/prefix`, the prefix 0–32 without a leading zero (Go's net/netip ParsePrefix refuses "/08"). */
const cidrOracle = (text: string) => {
  const parts = text.split("/");
  if (parts.length !== 2) return false;
  const [ip, prefix] = parts as [string, string];
  const digits = prefix.length >= 1 && prefix.length <= 2 && [...prefix].every((c) => c >= "0" && c <= "9");
  return ipv4Oracle(ip) && digits && !(prefix.length === 2 && prefix[0] === "0") && Number(prefix) <= 32;
};
const toNumber = (octets: number[]) => octets.reduce((n, o) => n * 256 + o, 0);
const toText = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

const octet = fc.integer({ min: 0, max: 255 });
const quad = fc.tuple(octet, octet, octet, octet);
/** Text that is often nearly an address: digits, dots, slashes and a few junk characters. */
const nearAddress = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."0123456789./ -x:"), maxLength: 20 }),
  fc
    .tuple(
      fc.array(fc.integer({ min: -3, max: 300 }), { minLength: 3, maxLength: 5 }),
      fc.array(fc.constantFrom("", "0", "00"), { minLength: 5, maxLength: 5 }),
      fc.constantFrom("", " ", "x", "\n", "."),
      fc.constantFrom("", " ", "x", "\n", "."),
    )
    .map(
      ([nums, pads, before, after]) => `${before}${nums.map((n, i) => `${pads[i]}${n}`).join(".")}${after}`,
    ),
);
const prefixText = fc.oneof(
  fc.integer({ min: -1, max: 40 }).map(String),
  fc.constantFrom("", "00", "08", "032", "1a", " 8", "8 ", "+8"),
);

describe("isIpv4 and isCidr", () => {
  test("agree with the oracle on near-addresses", () => {
    fc.assert(
      fc.property(nearAddress, (text) => expect([text, isIpv4(text)]).toEqual([text, ipv4Oracle(text)])),
      runs(2000),
    );
  });

  test("agree with the oracle on near-CIDRs", () => {
    fc.assert(
      fc.property(nearAddress, prefixText, fc.constantFrom("", "/", "/24"), (ip, prefix, extra) => {
        const text = `${ip}/${prefix}${extra}`;
        expect([text, isCidr(text)]).toEqual([text, cidrOracle(text)]);
      }),
      runs(2000),
    );
  });

  test.each([
    ["0.0.0.0", true],
    ["255.255.255.255", true],
    ["10.20.0.1", true],
    ["256.0.0.0", false],
    ["1.2.3.256", false],
    ["010.0.0.1", false],
    ["1.2.3", false],
    ["1.2.3.4.5", false],
    [" 1.2.3.4", false],
    ["1.2.3.4 ", false],
    ["1.2.3.4\n", false],
    ["x1.2.3.4", false],
    ["1.2.3.4x", false],
    ["1.2.3.4/24", false],
    ["1.2.3.", false],
    ["", false],
  ])("isIpv4(%j) is %s", (text, expected) => {
    expect(isIpv4(text)).toBe(expected);
  });

  test.each([
    ["0.0.0.0/0", true],
    ["10.0.0.0/8", true],
    ["10.0.0.0/32", true],
    ["10.1.2.3/24", true], // host bits set: parseCidr reports it unaligned
    ["10.0.0.0/33", false],
    ["10.0.0.0/08", false],
    ["10.0.0.0/00", false],
    ["10.0.0.0/", false],
    ["10.0.0.0", false],
    ["10.0.0.0/24/8", false],
    ["10.0.0.0/-1", false],
    ["10.0.0.0/ 8", false],
    ["10.0.0.0/8 ", false],
    ["10.0.0.0/8\n", false],
    [" 10.0.0.0/8", false],
    ["10.0.0.256/8", false],
    ["/8", false],
  ])("isCidr(%j) is %s", (text, expected) => {
    expect(isCidr(text)).toBe(expected);
  });
});

describe("numbers, parsing and printing", () => {
  test("ipToNumber and numberToIp agree with octet arithmetic, both ways", () => {
    fc.assert(
      fc.property(quad, (octets) => {
        const text = octets.join(".");
        expect(ipToNumber(text)).toBe(toNumber(octets));
        expect(numberToIp(toNumber(octets))).toBe(text);
      }),
    );
    expect(ipToNumber("255.255.255.255")).toBe(2 ** 32 - 1);
    expect(numberToIp(0)).toBe("0.0.0.0");
  });

  test("parseCidr: network, size and alignment by octet arithmetic", () => {
    fc.assert(
      fc.property(quad, fc.integer({ min: 0, max: 32 }), (octets, prefixLength) => {
        const value = toNumber(octets);
        const size = 2 ** (32 - prefixLength);
        const network = Math.floor(value / size) * size;
        expect(parseCidr(`${octets.join(".")}/${prefixLength}`)).toEqual({
          network,
          prefixLength,
          size,
          aligned: network === value,
        });
        expect(formatCidr({ network, prefixLength, size })).toBe(`${toText(network)}/${prefixLength}`);
      }),
    );
    expect(parseCidr("10.0.0.5/24")).toEqual({
      network: toNumber([10, 0, 0, 0]),
      prefixLength: 24,
      size: 256,
      aligned: false,
    });
    expect(parseCidr("0.0.0.0/0")).toEqual({ network: 0, prefixLength: 0, size: 2 ** 32, aligned: true });
  });

  test("netmask: prefixLength ones then zeros, octet by octet", () => {
    for (let prefixLength = 0; prefixLength <= 32; prefixLength++) {
      const bits = "1".repeat(prefixLength) + "0".repeat(32 - prefixLength);
      const expected = [0, 8, 16, 24].map((i) => parseInt(bits.slice(i, i + 8), 2)).join(".");
      expect([prefixLength, netmask(prefixLength)]).toEqual([prefixLength, expected]);
    }
  });
});

describe("contains, overlaps and within, by brute force over every address", () => {
  const BASE = toNumber([10, 0, 0, 0]);
  /** Aligned blocks of 1–16 addresses inside 10.0.0.0–10.0.0.63. */
  const block = fc.tuple(fc.integer({ min: 28, max: 32 }), fc.nat()).map(([prefixLength, n]): Cidr => {
    const size = 2 ** (32 - prefixLength);
    return { network: BASE + (n % (64 / size)) * size, prefixLength, size };
  });
  const addresses = (c: Cidr) => Array.from({ length: c.size }, (_, i) => c.network + i);

  test("contains is membership of the block's addresses", () => {
    fc.assert(
      fc.property(block, (c) => {
        const members = new Set(addresses(c));
        for (let a = BASE - 2; a < BASE + 66; a++) expect([a, contains(c, a)]).toEqual([a, members.has(a)]);
      }),
    );
  });

  test("overlaps is a shared address; within is every address inside", () => {
    fc.assert(
      fc.property(block, block, (a, b) => {
        const inB = new Set(addresses(b));
        expect(overlaps(a, b)).toBe(addresses(a).some((x) => inB.has(x)));
        expect(within(a, b)).toBe(addresses(a).every((x) => inB.has(x)));
      }),
    );
  });

  test("at the ends of the address space", () => {
    const all = parseCidr("0.0.0.0/0");
    const last = parseCidr("255.255.255.0/24");
    expect(contains(all, 0)).toBe(true);
    expect(contains(all, 2 ** 32 - 1)).toBe(true);
    expect(contains(last, 2 ** 32 - 1)).toBe(true);
    expect(contains(last, 2 ** 32 - 257)).toBe(false);
    expect(within(last, all)).toBe(true);
    expect(within(all, last)).toBe(false);
    expect(overlaps(all, last)).toBe(true);
    // Adjacent blocks share no address: the first address after one block is outside it.
    const a = parseCidr("10.0.0.0/25");
    const b = parseCidr("10.0.0.128/25");
    expect([overlaps(a, b), overlaps(b, a), within(a, b)]).toEqual([false, false, false]);
    expect([contains(a, b.network), contains(a, b.network - 1)]).toEqual([false, true]);
  });
});

describe("tableLines and renderTable", () => {
  test("left and right alignment, the rule under the header, two spaces between columns", () => {
    const lines = tableLines(
      ["NAME", "CPUS"],
      [
        ["server1", "4"],
        ["w", "16"],
      ],
      { align: ["left", "right"] },
    );
    expect(lines).toEqual(["NAME     CPUS", "-------  ----", "server1     4", "w          16"]);
  });

  test("trailing spaces are trimmed; a short row still counts in the widths", () => {
    expect(tableLines(["A", "B"], [["only"], ["x", "longer"]])).toEqual([
      "A     B",
      "----  ------",
      "only",
      "x     longer",
    ]);
  });

  test("rule: false leaves the rule out; renderTable joins the lines", () => {
    expect(tableLines(["A", "B"], [["1", "2"]], { rule: false })).toEqual(["A  B", "1  2"]);
    expect(renderTable(["ID", "HOST"], [["1", "h"]])).toBe("ID  HOST\n--  ----\n1   h");
    expect(renderTable(["ID"], [], { rule: false })).toBe("ID");
  });
});
