/**
 * Where the project's files are (Pulumi.yaml, the environment layers, stacks/). Kept apart from
 * components/program.ts so that the commands that only read configuration (fleet's help, doctor,
 * snapshot, changed-stacks) never load the Pulumi SDK.
 */
import * as path from "path";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
