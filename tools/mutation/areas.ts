/**
 * The areas `npm run mutation -- <area>` knows: which source files Stryker mutates for each, and
 * which test files run against them. Those are the area's own tests, not the whole suite: the
 * mocked-program and rendered-stack suites cover nearly every line and take seconds per run, which
 * would make one area's run last hours on two cores. A score is therefore what the area's own tests
 * prove (a lower bound); docs/testing.md says so.
 */
import * as path from "path";
import { sourceFiles } from "./importGraph";

/** One Stryker run: files to mutate (globs) and the jest test files (globs) that run against them. */
export interface Group {
  mutate: string[];
  tests: string[];
}

export interface Area {
  /**
   * Its runs, by name. An area is split where a slow test file concerns one file only: Stryker runs
   * every test of a run for each static mutant (code run at import, such as the zod schema), so a
   * 5-second test file in the wrong run costs minutes per hundred mutants.
   */
  groups: Record<string, Group>;
  /** Files the globs match that hold no behaviour to mutate, and why (docs/testing.md). */
  skip?: Record<string, string>;
}

const one = (mutate: string[], tests: string[]): Area => ({ groups: { all: { mutate, tests } } });

export const AREAS: Record<string, Area> = {
  lib: one(["components/lib/**/*.ts"], ["tests/lib*.test.ts"]),
  config: {
    groups: {
      engine: {
        mutate: ["components/config/engine.ts"],
        tests: ["tests/engineConfig.test.ts", "tests/configSources*.test.ts"],
      },
      reference: { mutate: ["components/config/reference.ts"], tests: ["tests/configReference.test.ts"] },
      // Key and label syntax: its own tests generate real keys (seconds), which the schema's static
      // mutants need not pay for.
      syntax: {
        mutate: ["components/config/kubeSyntax.ts", "components/config/sshKey.ts"],
        tests: ["tests/configSyntax.test.ts"],
      },
      // The schema is static (built at import): each of its mutants runs every test of the group.
      schema: { mutate: ["components/config/schema.ts"], tests: ["tests/configFormats*.test.ts"] },
      layers: {
        mutate: ["components/config/**/*.ts"],
        tests: ["tests/config.test.ts", "tests/configFormats*.test.ts", "tests/configSources*.test.ts"],
      },
    },
    skip: {
      "components/config/descriptions.ts":
        "documentation text for docs/configuration.md; the drift test pins it, a mutant only rewords it",
      "components/config/root.ts": "one constant, the project's folder",
    },
  },
  plan: {
    groups: {
      capacity: {
        mutate: ["components/plan/capacity*.ts", "components/plan/placement.ts"],
        tests: ["tests/capacity.test.ts", "tests/capacity*.unit.test.ts"],
      },
      planner: { mutate: ["components/plan/**/*.ts"], tests: ["tests/plan*.test.ts", "tests/lib*.test.ts"] },
    },
  },
  rke2: {
    groups: {
      // The boot script's tests (8 s) concern only the node-command parser among our files.
      agent: { mutate: ["components/rke2/rancherAgent.ts"], tests: ["tests/rke2*.test.ts"] },
      boot: {
        mutate: ["components/rke2/**/*.ts"],
        tests: ["tests/rke2.test.ts", "tests/rke2*.unit.test.ts"],
      },
    },
    skip: {
      "components/rke2/keys.ts":
        "the config.yaml names RKE2 documents (the role configs' types); a mutant only blanks a name, and the names a config emits are checked against it",
    },
  },
  "cloud-init": {
    groups: {
      // The co-include inlining, against its own tests only: every other suite reads the scripts at
      // import (a static mutant runs them all, minutes each); the script sandboxes (rke2 area) test
      // what the scripts do, cloudInitScripts.test.ts what the inlining delivers.
      scripts: { mutate: ["cloud-init/scripts.ts"], tests: ["tests/cloudInitScripts*.test.ts"] },
      // The renderers: rke2Bootstrap.test.ts runs the delivered bootstrap script only, so it cannot
      // kill their mutants, yet would cost minutes per static mutant.
      renderers: { mutate: ["cloud-init/**/*.ts"], tests: ["tests/cloudInit*.test.ts"] },
    },
  },
  workloads: one(["components/workloads/**/*.ts"], ["tests/workloads*.test.ts"]),
  /**
   * The cross-stack checks are pure functions of loaded stacks: their own fast tests run against
   * them. The loader runs under the whole config suite, whose describe bodies load the real stacks
   * (every loader mutant is static there).
   */
  stack: {
    groups: {
      checks: {
        mutate: ["components/stack/collisions.ts", "components/stack/management.ts"],
        tests: ["tests/stack*.test.ts"],
      },
      load: { mutate: ["components/stack/**/*.ts"], tests: ["tests/stack*.test.ts", "tests/config.test.ts"] },
    },
  },
  /** Issue 11: the management stack, the Rancher registration and the kubeconfig access. */
  rancher: {
    groups: {
      /**
       * The pure check of the management stack's outputs: the mocked programs run it in their
       * beforeAll (every mutant static there), its own table-driven tests decide it.
       */
      access: { mutate: ["components/management/access.ts"], tests: ["tests/managementAccess.test.ts"] },
      components: {
        mutate: ["components/rancher/**/*.ts", "components/management/**/*.ts", "components/access/**/*.ts"],
        tests: ["tests/rancher*.test.ts", "tests/management*.test.ts"],
      },
    },
  },
  /** The resource components and the program that wires them. */
  resources: one(
    [
      "components/xo/**/*.ts",
      "components/network/**/*.ts",
      "components/nodepool/**/*.ts",
      "components/cluster/**/*.ts",
      "components/*.ts",
    ],
    ["tests/components.test.ts", "tests/program.test.ts"],
  ),
  fleet: one(
    ["fleet/**/*.ts"],
    ["tests/fleet*.test.ts", "tests/managementOrder.test.ts", "tests/capacityDoctor.test.ts"],
  ),
  render: one(["render/**/*.ts"], ["tests/render*.test.ts"]),
  policy: one(["policy/**/*.ts"], ["tests/policy*.test.ts"]),
};

/** Whether a project-relative path matches one of the simple globs above (`**` and `*` only). */
export function matchesGlob(file: string, glob: string): boolean {
  const pattern = glob
    .split("**/")
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
    .join("(?:.*/)?");
  return new RegExp(`^${pattern}$`).test(file);
}

export interface GroupFiles {
  name: string;
  /** Source files Stryker mutates (the group's globs, minus the area's skipped files). */
  mutate: string[];
  /** Jest test files of the group. */
  tests: string[];
}

/**
 * The runs of one area, read from the project at `root`. A file matched by several groups is
 * mutated in the first (in declared order) only, so each mutant is counted once: narrow groups
 * come before a folder-wide one.
 */
export function areaFiles(root: string, area: Area): GroupFiles[] {
  // Only the names are needed: no file is read or scanned for imports here.
  const files = sourceFiles(root)
    .map((f) => path.relative(root, f))
    .sort();
  const isTest = (f: string) => f.endsWith(".test.ts");
  const taken = new Set<string>();
  const named = Object.entries(area.groups);
  const claimed = new Map<string, string[]>();
  for (const [name, group] of named) {
    const mutate = files
      .filter((f) => !isTest(f) && !taken.has(f) && group.mutate.some((g) => matchesGlob(f, g)))
      .filter((f) => area.skip?.[f] === undefined);
    mutate.forEach((f) => taken.add(f));
    claimed.set(name, mutate);
  }
  return named.map(([name, group]) => ({
    name,
    mutate: claimed.get(name) ?? [],
    tests: files.filter((f) => isTest(f) && group.tests.some((g) => matchesGlob(f, g))),
  }));
}
