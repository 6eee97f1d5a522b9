/**
 * The co-include inlining of the boot scripts (cloud-init/scripts.ts): what a node receives is one
 * self-contained script, with each shared file's code exactly once and no marker line left.
 */
import * as fs from "fs";
import * as path from "path";
import { inlineIncludes, readScript } from "../cloud-init/scripts";

const scriptsDir = path.join(__dirname, "..", "cloud-init", "scripts");

/** A fake scripts folder: readLib answers from this map, and records what it was asked for. */
function libs(files: Record<string, string>): { read: (lib: string) => string; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    read: (lib) => {
      asked.push(lib);
      const text = files[lib];
      if (text === undefined) throw new Error(`ENOENT: ${lib}`);
      return text;
    },
  };
}

const shared = "# shellcheck shell=bash\n# notes\n\nhello() {\n  echo hi\n}\n\n";

describe("inlineIncludes", () => {
  it("replaces the marker line by the shared file's code, its header comments dropped", () => {
    const fake = libs({ "lib/greet.sh": shared });
    const out = inlineIncludes("s.sh", "#!/bin/bash\nset -e\n# co-include: lib/greet.sh\nhello\n", fake.read);
    expect(out.split("\n")).toEqual([
      "#!/bin/bash",
      "set -e",
      "# --- lib/greet.sh (shared, inlined) ---",
      "hello() {",
      "  echo hi",
      "}",
      "# --- end of lib/greet.sh ---",
      "hello",
      "",
    ]);
    expect(fake.asked).toEqual(["lib/greet.sh"]);
  });

  it("keeps a comment inside the shared code (only the leading block is a header)", () => {
    const fake = libs({ "lib/a.sh": "# header\nx=1\n# kept\ny=2\n" });
    expect(inlineIncludes("s.sh", "# co-include: lib/a.sh", fake.read)).toBe(
      "# --- lib/a.sh (shared, inlined) ---\nx=1\n# kept\ny=2\n# --- end of lib/a.sh ---",
    );
  });

  it("a shared file without a header is inlined whole", () => {
    const fake = libs({ "lib/a.sh": "x=1\n" });
    expect(inlineIncludes("s.sh", "# co-include: lib/a.sh", fake.read)).toContain("---\nx=1\n#");
  });

  it("inlines every marker, each from its own file, and leaves a script without markers unchanged", () => {
    const fake = libs({ "lib/a.sh": "a=1", "lib/b-2.sh": "b=2" });
    const out = inlineIncludes("s.sh", "# co-include: lib/a.sh\nmid\n# co-include: lib/b-2.sh\n", fake.read);
    expect(out).toMatch(/\na=1\n[^]*\nmid\n[^]*\nb=2\n/);
    expect(out).not.toMatch(/^# co-include:/m);
    expect(fake.asked).toEqual(["lib/a.sh", "lib/b-2.sh"]);
    const plain = "#!/bin/bash\n# co-includes are described elsewhere\necho ok\n";
    expect(inlineIncludes("s.sh", plain, fake.read)).toBe(plain);
  });

  it("only a whole line is a marker: the text in a comment or after code is left alone", () => {
    const fake = libs({});
    const text = 'echo "# co-include: lib/a.sh"\n  # co-include: lib/a.sh\n';
    expect(inlineIncludes("s.sh", text, fake.read)).toBe(text);
    expect(fake.asked).toEqual([]);
  });

  // A malformed marker would otherwise stay a plain comment: a script without its log/die functions.
  it.each([
    ["no lib/ folder", "# co-include: log.sh"],
    ["upper case", "# co-include: lib/Log.sh"],
    ["not a .sh file", "# co-include: lib/log.bash"],
    ["a path outside lib/", "# co-include: lib/../secret.sh"],
    ["trailing text", "# co-include: lib/log.sh # note"],
    ["no space", "# co-include:lib/log.sh"],
    ["a valid marker after other text", "# co-include: see # co-include: lib/log.sh"],
  ])("refuses a malformed marker (%s), naming the script and the line", (_name, line) => {
    const fake = libs({ "lib/log.sh": "x=1" });
    expect(() => inlineIncludes("prep.sh", `set -e\n${line}\n`, fake.read)).toThrow(
      `prep.sh: "${line}" is not`,
    );
    expect(fake.asked).toEqual([]);
  });

  it("a missing shared file is an error, not an empty include", () => {
    expect(() => inlineIncludes("s.sh", "# co-include: lib/gone.sh\n", libs({}).read)).toThrow(
      /lib\/gone\.sh/,
    );
  });

  it("refuses a nested include and a shared file holding only comments", () => {
    const nested = libs({ "lib/a.sh": "# header\nx=1\n# co-include: lib/b.sh\n", "lib/b.sh": "y=2" });
    expect(() => inlineIncludes("s.sh", "# co-include: lib/a.sh", nested.read)).toThrow(
      "s.sh: lib/a.sh includes another file",
    );
    // The nested marker in the header block is refused too (it would be dropped silently).
    const inHeader = libs({ "lib/a.sh": "# co-include: lib/b.sh\nx=1\n" });
    expect(() => inlineIncludes("s.sh", "# co-include: lib/a.sh", inHeader.read)).toThrow(/includes another/);
    for (const empty of ["# only\n# comments\n", "# only comments", "", "# header\n\n\n"]) {
      expect(() =>
        inlineIncludes("s.sh", "# co-include: lib/a.sh", libs({ "lib/a.sh": empty }).read),
      ).toThrow("s.sh: lib/a.sh holds no code");
    }
  });
});

describe("readScript (the real scripts)", () => {
  it.each(["prepare-node.sh", "rke2-bootstrap.sh"] as const)(
    "%s is delivered with lib/log.sh's code inlined once and no marker left",
    (name) => {
      const raw = fs.readFileSync(path.join(scriptsDir, name), "utf8");
      const lib = fs.readFileSync(path.join(scriptsDir, "lib", "log.sh"), "utf8");
      const delivered = readScript(name);
      expect(delivered).not.toMatch(/^# co-include:/m);
      // Everything before and after the marker is unchanged.
      const [before, after] = raw.split("# co-include: lib/log.sh\n");
      expect(delivered.startsWith(`${before}# --- lib/log.sh (shared, inlined) ---\n`)).toBe(true);
      expect(delivered.endsWith(`# --- end of lib/log.sh ---\n${after}`)).toBe(true);
      // The lib's code, not its header: the shellcheck directive would be misplaced mid-script.
      expect(delivered).toContain(lib.slice(lib.indexOf("\n: ")).trim());
      expect(delivered).not.toContain("# shellcheck shell=bash");
      expect(delivered.match(/^on_error\(\) \{/gm)).toHaveLength(1);
      expect(readScript(name)).toBe(delivered);
    },
  );
});
