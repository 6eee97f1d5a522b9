/** Types of messageText.cjs for the tests; the path is a Babel NodePath. */
import type { NodePath } from "@babel/core";

export declare function messageReason(path: NodePath): string | undefined;
