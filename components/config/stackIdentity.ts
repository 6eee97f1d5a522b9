/**
 * A stack's environment and use case as the config loader reads them (the same YAML parser, the
 * same namespace handling, the same syntax check), without needing the rest of its configuration.
 * CI routes stacks by this: anything it cannot determine is `null`, and a caller that gates prod
 * must treat `null` as prod (fail closed). A `!!str prod` tag or a block scalar holding another
 * `environment:` line reads here exactly as the program reads it.
 */
import { specSchema } from "./schema";
import { readConfigFile, stackFile } from "./sources";

export interface StackIdentity {
  stack: string;
  /** null: missing, not a valid name, or the stack is not named `<useCase>-<environment>`. */
  environment: string | null;
  useCase: string | null;
}

export function stackIdentity(rootDir: string, stack: string): StackIdentity {
  const file = readConfigFile(rootDir, stackFile(stack), []);
  const name = (value: unknown) => {
    const parsed = specSchema.shape.environment.safeParse(value);
    return parsed.success ? parsed.data : null;
  };
  const environment = name(file?.values.environment);
  const useCase = name(file?.values.useCase);
  // The loader refuses a stack whose name disagrees with its keys; so does the routing.
  const consistent = environment !== null && useCase !== null && stack === `${useCase}-${environment}`;
  return { stack, environment: consistent ? environment : null, useCase };
}
