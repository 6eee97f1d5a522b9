/**
 * The areas `npm run mutation -- <area>` knows: which source files Stryker mutates for each, and
 * which test files run against them. Those are the area's own tests, not the whole suite: the
 * mocked-program and rendered-stack suites cover nearly every line and take seconds per run, which
 * would make one area's run last hours on two cores. A score is therefore what the area's own tests
 * prove (a lower bound); docs/testing.md says so.
 */
import { importGraph } from "./importGraph";

export interface Area {
  /** Globs of the files to mutate, relative to the project root. */
  mutate: string[];
  /** Globs of the jest test files that run against them. */
  tests: string[];
  /** Files the globs match that hold no behaviour to mutate, and why (docs/testing.md). */
  skip?: Record<string, string>;
}

export const AREAS: Record<string, Area> = {
  lib: { mutate: ["components/lib/**/*.ts"], tests: ["tests/lib*.test.ts", "tests/plan*.test.ts"] },
  config: {
    mutate: ["components/config/**/*.ts"],
    tests: ["tests/config*.test.ts", "tests/engineConfig.test.ts"],
    skip: {
      "components/config/descriptions.ts":
        "documentation text for docs/configuration.md; the drift test pins it, a mutant only rewords it",
      "components/config/root.ts": "one constant, the project's folder",
    },
  },
  plan: {
    mutate: ["components/plan/**/*.ts"],
    tests: ["tests/plan*.test.ts", "tests/capacity.test.ts", "tests/lib*.test.ts"],
  },
  rke2: { mutate: ["components/rke2/**/*.ts"], tests: ["tests/rke2*.test.ts"] },
  "cloud-init": {
    mutate: ["cloud-init/**/*.ts"],
    tests: ["tests/cloudInit*.test.ts", "tests/rke2Bootstrap.test.ts"],
  },
  workloads: { mutate: ["components/workloads/**/*.ts"], tests: ["tests/workloads*.test.ts"] },
  stack: {
    mutate: ["components/stack/**/*.ts"],
    tests: ["tests/stack*.test.ts", "tests/config.test.ts", "tests/capacityProgram.test.ts"],
  },
  /** Issue 11: the management stack, the Rancher registration and the kubeconfig access. */
  rancher: {
    mutate: ["components/rancher/**/*.ts", "components/management/**/*.ts", "components/access/**/*.ts"],
    tests: ["tests/rancher*.test.ts", "tests/management*.test.ts"],
  },
  /** The resource components and the program that wires them. */
  resources: {
    mutate: [
      "components/xo/**/*.ts",
      "components/network/**/*.ts",
      "components/nodepool/**/*.ts",
      "components/cluster/**/*.ts",
      "components/*.ts",
    ],
    tests: ["tests/components.test.ts", "tests/program.test.ts"],
  },
  fleet: {
    mutate: ["fleet/**/*.ts"],
    tests: ["tests/fleet*.test.ts", "tests/managementOrder.test.ts", "tests/capacityDoctor.test.ts"],
  },
  render: { mutate: ["render/**/*.ts"], tests: ["tests/render*.test.ts"] },
  policy: { mutate: ["policy/**/*.ts"], tests: ["tests/policy*.test.ts"] },
};

/** Whether a project-relative path matches one of the simple globs above (`**` and `*` only). */
export function matchesGlob(file: string, glob: string): boolean {
  const pattern = glob
    .split("**/")
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
    .join("(?:.*/)?");
  return new RegExp(`^${pattern}$`).test(file);
}

export interface AreaFiles {
  /** Source files Stryker mutates (the area's globs, minus its skipped files). */
  mutate: string[];
  /** Jest test files of the area. */
  tests: string[];
}

/** The files of one area, read from the project at `root`. */
export function areaFiles(root: string, area: Area): AreaFiles {
  const files = [...importGraph(root).keys()].sort();
  const isTest = (f: string) => f.endsWith(".test.ts");
  const mutate = files
    .filter((f) => !isTest(f) && area.mutate.some((g) => matchesGlob(f, g)))
    .filter((f) => area.skip?.[f] === undefined);
  const tests = files.filter((f) => isTest(f) && area.tests.some((g) => matchesGlob(f, g)));
  return { mutate, tests };
}
