// Stryker ignorer plugin: the wording of error and problem messages is not mutated. The decision is
// in messageText.cjs (plain CommonJS, so tests/mutationTools.test.ts can run it too).
import { PluginKind, declareValuePlugin } from "@stryker-mutator/api/plugin";
import messageText from "./messageText.cjs";

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, "error-messages", { shouldIgnore: messageText.messageReason }),
];
