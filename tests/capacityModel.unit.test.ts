/**
 * The capacity model file's limits, both sides of each (table-driven, key path and message
 * asserted), and its cross-references (names listed twice, hosts and SRs an entry names).
 */
import { parseCapacityModel } from "../components/plan/capacityModel";

const HOST = "{name: h1, cores: 16, memoryGiB: 128}";
const SR = "{name: ssd, sizeGiB: 900}";

/** A model of pool `lab` with one host and one SR, `extra` lines added to the pool. */
function model(hosts = `[${HOST}]`, srs = `[${SR}]`, extra = ""): string {
  return `pools:\n  lab:\n    hosts: ${hosts}\n    srs: ${srs}\n${extra ? `    ${extra}\n` : ""}`;
}

const host = (fields: string) => model(`[{name: h1, ${fields}}]`);
const sr = (fields: string) => model(undefined, `[{name: ssd, ${fields}}]`);
const reserved = (fields: string) => model(undefined, undefined, `reserved: [{name: xo, ${fields}}]`);
const pool = (line: string) => model(undefined, undefined, line);

describe("limits: the value at each limit loads, one step beyond is refused at its key", () => {
  test.each<[string, string]>([
    ["1 core", host("cores: 1, memoryGiB: 1")],
    ["4096 cores", host("cores: 4096, memoryGiB: 1")],
    ["0.5 GiB of memory", host("cores: 1, memoryGiB: 0.5")],
    ["65536 GiB of memory", host("cores: 1, memoryGiB: 65536")],
    ["a 1024 GiB control domain", host("cores: 1, memoryGiB: 2048, controlDomainGiB: 1024")],
    ["an SR of 1048576 GiB", sr("sizeGiB: 1048576")],
    ["a reservation of 16 VMs with nothing asked", reserved("count: 16, vcpus: 0, memoryGiB: 0, diskGiB: 0")],
    ["a reservation at every maximum", reserved("vcpus: 256, memoryGiB: 4096, diskGiB: 1048576")],
    ["0 % headroom", pool("headroomPercent: 0")],
    ["50 % headroom", pool("headroomPercent: 50")],
    ["vCPU ratio 1", pool("vcpuRatio: 1")],
    ["vCPU ratio 16", pool("vcpuRatio: 16")],
    ["SR ratio 1", pool("srRatio: 1")],
    ["SR ratio 10", pool("srRatio: 10")],
    [
      "a name with spaces, dots, dashes and underscores",
      model("[{name: 'xcp-ng 8.3_a', cores: 1, memoryGiB: 1}]"),
    ],
  ])("%s", (_, text) => {
    const parsed = parseCapacityModel(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.model).not.toBeNull();
  });

  test.each<[string, string, (string | number)[], RegExp]>([
    ["0 cores", host("cores: 0, memoryGiB: 1"), ["hosts", 0, "cores"], />=\s*1/],
    ["4097 cores", host("cores: 4097, memoryGiB: 1"), ["hosts", 0, "cores"], /<=\s*4096/],
    ["1.5 cores", host("cores: 1.5, memoryGiB: 1"), ["hosts", 0, "cores"], /integer|int/],
    ["0 GiB of memory", host("cores: 1, memoryGiB: 0"), ["hosts", 0, "memoryGiB"], />\s*0/],
    ["65537 GiB of memory", host("cores: 1, memoryGiB: 65537"), ["hosts", 0, "memoryGiB"], /<=\s*65536/],
    [
      "a control domain of 0",
      host("cores: 1, memoryGiB: 1, controlDomainGiB: 0"),
      ["hosts", 0, "controlDomainGiB"],
      />\s*0/,
    ],
    [
      "a control domain of 1025",
      host("cores: 1, memoryGiB: 1, controlDomainGiB: 1025"),
      ["hosts", 0, "controlDomainGiB"],
      /<=\s*1024/,
    ],
    ["an SR of 0 GiB", sr("sizeGiB: 0"), ["srs", 0, "sizeGiB"], />\s*0/],
    ["an SR of 1048577 GiB", sr("sizeGiB: 1048577"), ["srs", 0, "sizeGiB"], /<=\s*1048576/],
    [
      "a reservation of 0 VMs",
      reserved("count: 0, vcpus: 1, memoryGiB: 1"),
      ["reserved", 0, "count"],
      />=\s*1/,
    ],
    [
      "a reservation of 17 VMs",
      reserved("count: 17, vcpus: 1, memoryGiB: 1"),
      ["reserved", 0, "count"],
      /<=\s*16/,
    ],
    ["-1 reserved vCPUs", reserved("vcpus: -1, memoryGiB: 1"), ["reserved", 0, "vcpus"], />=\s*0/],
    ["257 reserved vCPUs", reserved("vcpus: 257, memoryGiB: 1"), ["reserved", 0, "vcpus"], /<=\s*256/],
    ["-1 GiB reserved memory", reserved("vcpus: 1, memoryGiB: -1"), ["reserved", 0, "memoryGiB"], />=\s*0/],
    [
      "4097 GiB reserved memory",
      reserved("vcpus: 1, memoryGiB: 4097"),
      ["reserved", 0, "memoryGiB"],
      /<=\s*4096/,
    ],
    [
      "-1 GiB reserved disk",
      reserved("vcpus: 1, memoryGiB: 1, diskGiB: -1"),
      ["reserved", 0, "diskGiB"],
      />=\s*0/,
    ],
    ["-1 % headroom", pool("headroomPercent: -1"), ["headroomPercent"], />=\s*0/],
    ["51 % headroom", pool("headroomPercent: 51"), ["headroomPercent"], /<=\s*50/],
    ["vCPU ratio 0.9", pool("vcpuRatio: 0.9"), ["vcpuRatio"], />=\s*1/],
    ["vCPU ratio 17", pool("vcpuRatio: 17"), ["vcpuRatio"], /<=\s*16/],
    ["SR ratio 0.9", pool("srRatio: 0.9"), ["srRatio"], />=\s*1/],
    ["SR ratio 11", pool("srRatio: 11"), ["srRatio"], /<=\s*10/],
    ["no SR", model(undefined, "[]"), ["srs"], /1/],
    [
      "a name starting with a dash",
      model("[{name: -h, cores: 1, memoryGiB: 1}]"),
      ["hosts", 0, "name"],
      /as XO shows it/,
    ],
    ["a name with a slash", sr("sizeGiB: 1, host: 'h1/a'"), ["srs", 0, "host"], /as XO shows it/],
  ])("%s", (_, text, path, message) => {
    const parsed = parseCapacityModel(text);
    expect(parsed.model).toBeNull();
    expect(parsed.problems).toEqual([
      { path: ["pools", "lab", ...path], message: expect.stringMatching(message) },
    ]);
  });
});

describe("cross-references", () => {
  test("an SR listed twice is reported at the second one", () => {
    expect(parseCapacityModel(model(undefined, `[${SR}, {name: nvme, sizeGiB: 1}, ${SR}]`)).problems).toEqual(
      [{ path: ["pools", "lab", "srs", 2, "name"], message: "SR 'ssd' is listed twice" }],
    );
  });

  test("a reservation on an SR the pool lacks names the pool's SRs", () => {
    const parsed = parseCapacityModel(reserved("vcpus: 1, memoryGiB: 1, sr: nope"));
    expect(parsed.model).toBeNull();
    expect(parsed.problems).toEqual([
      { path: ["pools", "lab", "reserved", 0, "sr"], message: "no SR 'nope' in this pool (ssd)" },
    ]);
  });

  test("entries naming a host and an SR that exist load", () => {
    const text = model(
      `[${HOST}, {name: h2, cores: 8, memoryGiB: 64}]`,
      `[${SR}, {name: local, sizeGiB: 10, host: h2}]`,
      "reserved: [{name: xo, vcpus: 1, memoryGiB: 1, host: h2, sr: local}]",
    );
    const parsed = parseCapacityModel(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.model!.pools.lab!.reserved).toEqual([
      { name: "xo", count: 1, vcpus: 1, memoryGiB: 1, diskGiB: 0, host: "h2", sr: "local" },
    ]);
  });

  test("every problem of every pool is reported at once", () => {
    const text =
      "pools:\n" +
      `  a:\n    hosts: [${HOST}, ${HOST}]\n    srs: [{name: s, sizeGiB: 1, host: x}]\n` +
      `  b:\n    hosts: [${HOST}]\n    srs: [${SR}]\n    reserved: [{name: r, vcpus: 1, memoryGiB: 1, host: y, sr: z}]\n`;
    expect(parseCapacityModel(text).problems.map((p) => p.path.join("."))).toEqual([
      "pools.a.hosts.1.name",
      "pools.a.srs.0.host",
      "pools.b.reserved.0.host",
      "pools.b.reserved.0.sr",
    ]);
  });

  test("a duplicate YAML key and an unknown key are refused with where they are", () => {
    expect(
      parseCapacityModel(`pools:\n  lab:\n    hosts: [${HOST}]\n    hosts: [${HOST}]\n    srs: [${SR}]\n`),
    ).toEqual({
      model: null,
      problems: [{ path: [], message: expect.stringMatching(/^line 4: .*unique/i) }],
    });
    expect(parseCapacityModel(pool("spare: 1")).problems).toEqual([
      { path: ["pools", "lab", "spare"], message: "unknown key (misspelt?)" },
    ]);
  });
});

test("several unknown keys of one entry are named together", () => {
  expect(parseCapacityModel(host("cores: 1, memoryGiB: 1, ram: 2, cpu: 3")).problems).toEqual([
    { path: ["pools", "lab", "hosts", 0, "ram, cpu"], message: "unknown key (misspelt?)" },
  ]);
});
